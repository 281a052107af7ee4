/**
 * The package root: `import { ... } from "eqspice"`. This is the stable,
 * documented surface (docs/api.md); deeper modules are internal and may
 * change between versions.
 */
export {
  loadCircuit,
  loadCircuitFromText,
  operatingPoint,
  opFromFile,
  transient,
  streamTransient,
  transientOptions,
  dcSweep,
  dcSweepFromText,
  prepareDcSweep,
  acSweep,
  acSweepFromText,
  prepareAcSweep,
  train,
  evaluate,
  gradcheck,
  trainedNetlist,
} from "./api.js";
export type {
  LoadOptions,
  TransientOptions,
  TransientResult,
  DcSweepOptions,
  DcSweepResult,
  PreparedDcSweep,
  DcStats,
  DcSink,
  AcSweepOptions,
  AcSweepResult,
  AcPhasors,
  PreparedAcSweep,
  AcStats,
  AcSink,
  JobInput,
  TrainSpec,
  TrainResult,
  EvaluateSpec,
  GradcheckSpec,
  Circuit,
  OpOptions,
  OpResult,
  TranOptions,
  TranSink,
  TranStats,
  IntegratorChoice,
  Dataset,
  FeatureRow,
  EpochMetrics,
  TrainOptions,
  HardwareOptions,
  EstimatorName,
  RelaxKind,
  TargetEncoding,
  EvalResult,
  GradcheckResult,
} from "./api.js";

// Datasets: loaders return unscaled features (see Dataset.encoding); train/evaluate/gradcheck scale them.
export {
  loadDataset,
  xorDataset,
  irisDataset,
  mnistDataset,
  fashionMnistDataset,
  idxDirDataset,
  csvDataset,
  npyDataset,
  limitDataset,
  type LoadOptions as DatasetLoadOptions,
} from "./data/sources.js";
export { readNpy, parseNpy, type NpyArray, type NpyDtype } from "./data/npy.js";

// Waveform files: the writers `eqspice tran` uses, as sinks for streamTransient.
export { CsvSink } from "./output/csv.js";
export { JsonSink } from "./output/json.js";
export { RawSink, parseRaw, type RawEncoding, type RawOptions, type RawFile } from "./output/raw.js";
export { TeeSink, type WaveformSink } from "./output/sink.js";
export { PlotSink } from "./plot/waveforms.js";
export { writePlotHtml, type PlotFigure, type PlotPage } from "./plot/html.js";

// Errors: bad input (InputError; NetlistError with file:line:col) and no equilibrium (ConvergenceError).
export { InputError, NetlistError, ConvergenceError, type SourceLoc } from "./util/errors.js";
