/**
 * The model parameter names ngspice 39 knows, per device (its model
 * parameter tables, the mPTable of each device folder under
 * src/spicelib/devices). A name outside its table ngspice reads with
 * "unrecognized parameter (name) - ignored";
 * eqspice does the same with a warning at the parameter. A name inside it
 * that eqspice does not model is refused where the device reads its card.
 */

/** MOSFET level 1 (mos1.c). */
export const NGSPICE_MOS1_PARAMS: ReadonlySet<string> = new Set("af cbd cbs cgbo cgdo cgso cj cjsw fc gamma is js kf kp lambda ld mj mjsw nmos nss nsub pb phi pmos rd rs rsh tnom tox tpg u0 uo vt0 vto".split(" "));
/** MOSFET level 2 (mos2.c). */
export const NGSPICE_MOS2_PARAMS: ReadonlySet<string> = new Set("af cbd cbs cgbo cgdo cgso cj cjsw delta fc gamma is js kf kp lambda ld mj mjsw neff nfs nmos nss nsub pb phi pmos rd rs rsh tnom tox tpg u0 ucrit uexp uo vmax vt0 vto xj".split(" "));
/** MOSFET level 6 (mos6.c). */
export const NGSPICE_MOS6_PARAMS: ReadonlySet<string> = new Set("cbd cbs cgbo cgdo cgso cj cjsw fc gamma gamma1 is js kc kv lambda lambda0 lambda1 ld mj mjsw nc nmos nss nsub nv nvth pb phi pmos ps rd rs rsh sigma tnom tox tpg u0 uo vt0 vto".split(" "));
/** MOSFET level 3 (mos3.c). */
export const NGSPICE_MOS3_PARAMS: ReadonlySet<string> = new Set("af alpha cbd cbs cgbo cgdo cgso cj cjsw delta delvto eta fc gamma input_delta is js kappa kf kp ld mj mjsw nfs nmos nss nsub pb phi pmos rd rs rsh theta tnom tox tpg u0 uo vmax vt0 vto wd xd xj xl xw".split(" "));
/** BJT (bjt.c). */
export const NGSPICE_BJT_PARAMS: ReadonlySet<string> = new Set("af bf br c2 c4 ccs cjc cje cjs cn csub ctc cte cts d eg fc gamma ib_max ibc ibe ic_max ik ikf ikr irb is isc ise iss itf kf mc me mjc mje mjs ms nc ne nf nk nkf npn nr ns pc pd_max pe pnp ps ptf qco quasimod rb rbm rc rco re rth0 subs tbf1 tbf2 tbr1 tbr2 te_max tf tikf1 tikf2 tikr1 tikr2 tirb1 tirb2 tis1 tis2 tisc1 tisc2 tise1 tise2 tiss1 tiss2 titf1 titf2 tlev tlevc tmjc1 tmjc2 tmje1 tmje2 tmjs1 tmjs2 tnc1 tnc2 tne1 tne2 tnf1 tnf2 tnom tnr1 tnr2 tns1 tns2 tr trb trb1 trb2 trc trc1 trc2 tre tre1 tre2 tref trm1 trm2 ttf1 ttf2 ttr1 ttr2 tvaf1 tvaf2 tvar1 tvar2 tvjc tvje tvjs va vaf var vb vbc_max vbe_max vce_max vg vjc vje vjs vo vtf xcjc xtb xtf xti".split(" "));
/** diode (dio.c). */
export const NGSPICE_DIODE_PARAMS: ReadonlySet<string> = new Set("af area bv bv_max cj cj0 cjo cjp cjsw cta ctc cth0 ctp d eg fc fcs fv_max ib ibv id_max ik ikf ikr is isr js jsw jtun jtunsw keg kf level lm lp m mj mjsw n nbv nr ns ntun pb pd_max php pj rs rth0 tcv te_max tlev tlevc tm1 tm2 tnom tpb tphp trs trs1 trs2 tt ttt1 ttt2 tvj vj wm wp xm xoi xom xp xti xtitun".split(" "));
/** JFET level 1 (jfet.c). */
export const NGSPICE_JFET_PARAMS: ReadonlySet<string> = new Set("af b beta betatce bex cgd cgs eg fc gdsnoi is kf lambda njf nlev pb pjf rd rs tcv tnom vt0 vto vtotc xti".split(" "));
