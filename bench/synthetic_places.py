"""Real French towns (name, département, centre, population) that shape synthetic density.

Used by initiatives.synthetic only: benchmarks, never fixtures.
"""

from dataclasses import dataclass

DEPARTEMENTS = dict(
    item.split(" ", 1)
    for item in (
        "01 Ain|02 Aisne|03 Allier|04 Alpes-de-Haute-Provence|05 Hautes-Alpes|06 Alpes-Maritimes|"
        "07 Ardèche|08 Ardennes|09 Ariège|10 Aube|11 Aude|12 Aveyron|13 Bouches-du-Rhône|"
        "14 Calvados|15 Cantal|16 Charente|17 Charente-Maritime|18 Cher|19 Corrèze|"
        "2A Corse-du-Sud|2B Haute-Corse|21 Côte-d'Or|22 Côtes-d'Armor|23 Creuse|24 Dordogne|"
        "25 Doubs|26 Drôme|27 Eure|28 Eure-et-Loir|29 Finistère|30 Gard|31 Haute-Garonne|"
        "32 Gers|33 Gironde|34 Hérault|35 Ille-et-Vilaine|36 Indre|37 Indre-et-Loire|38 Isère|"
        "39 Jura|40 Landes|41 Loir-et-Cher|42 Loire|43 Haute-Loire|44 Loire-Atlantique|"
        "45 Loiret|46 Lot|47 Lot-et-Garonne|48 Lozère|49 Maine-et-Loire|50 Manche|51 Marne|"
        "52 Haute-Marne|53 Mayenne|54 Meurthe-et-Moselle|55 Meuse|56 Morbihan|57 Moselle|"
        "58 Nièvre|59 Nord|60 Oise|61 Orne|62 Pas-de-Calais|63 Puy-de-Dôme|"
        "64 Pyrénées-Atlantiques|65 Hautes-Pyrénées|66 Pyrénées-Orientales|67 Bas-Rhin|"
        "68 Haut-Rhin|69 Rhône|70 Haute-Saône|71 Saône-et-Loire|72 Sarthe|73 Savoie|"
        "74 Haute-Savoie|75 Paris|76 Seine-Maritime|77 Seine-et-Marne|78 Yvelines|"
        "79 Deux-Sèvres|80 Somme|81 Tarn|82 Tarn-et-Garonne|83 Var|84 Vaucluse|85 Vendée|"
        "86 Vienne|87 Haute-Vienne|88 Vosges|89 Yonne|90 Territoire de Belfort|91 Essonne|"
        "92 Hauts-de-Seine|93 Seine-Saint-Denis|94 Val-de-Marne|95 Val-d'Oise"
    ).split("|")
)

# Real town centres: name;département;latitude;longitude;population (rounded).
_TOWNS = """
Paris;75;48.8566;2.3522;2133000|Marseille;13;43.2965;5.3698;873000|Lyon;69;45.7640;4.8357;522000
Toulouse;31;43.6047;1.4442;504000|Nice;06;43.7102;7.2620;348000|Nantes;44;47.2184;-1.5536;320000
Montpellier;34;43.6108;3.8767;302000|Strasbourg;67;48.5734;7.7521;287000
Bordeaux;33;44.8378;-0.5792;261000|Lille;59;50.6292;3.0573;236000|Rennes;35;48.1173;-1.6778;222000
Toulon;83;43.1242;5.9280;180000|Reims;51;49.2583;4.0317;180000
Saint-Étienne;42;45.4397;4.3872;173000|Le Havre;76;49.4944;0.1079;166000
Dijon;21;47.3220;5.0415;160000|Grenoble;38;45.1885;5.7245;157000|Angers;49;47.4784;-0.5632;157000
Villeurbanne;69;45.7719;4.8902;156000|Nîmes;30;43.8367;4.3601;149000
Clermont-Ferrand;63;45.7772;3.0870;147000|Aix-en-Provence;13;43.5297;5.4474;146000
Le Mans;72;48.0061;0.1996;145000|Brest;29;48.3904;-4.4861;139000|Tours;37;47.3941;0.6848;137000
Amiens;80;49.8941;2.2958;134000|Limoges;87;45.8336;1.2611;130000|Annecy;74;45.8992;6.1294;131000
Boulogne-Billancourt;92;48.8397;2.2399;121000|Perpignan;66;42.6887;2.8948;120000
Metz;57;49.1193;6.1757;120000|Besançon;25;47.2378;6.0241;119000|Orléans;45;47.9030;1.9093;116000
Saint-Denis;93;48.9362;2.3574;113000|Rouen;76;49.4432;1.0999;114000
Argenteuil;95;48.9472;2.2467;111000|Montreuil;93;48.8638;2.4485;111000
Mulhouse;68;47.7508;7.3359;108000|Caen;14;49.1829;-0.3707;106000|Nancy;54;48.6921;6.1844;104000
Tourcoing;59;50.7239;3.1612;99000|Roubaix;59;50.6942;3.1746;99000|Nanterre;92;48.8924;2.2071;96000
Vitry-sur-Seine;94;48.7875;2.3928;95000|Avignon;84;43.9493;4.8055;91000
Créteil;94;48.7904;2.4556;92000|Poitiers;86;46.5802;0.3404;90000|Dunkerque;59;51.0343;2.3768;86000
Versailles;78;48.8049;2.1204;84000|Pau;64;43.2951;-0.3708;77000
La Rochelle;17;46.1603;-1.1511;78000|Antibes;06;43.5808;7.1251;75000|Cannes;06;43.5528;7.0174;74000
Calais;62;50.9513;1.8587;67000|Béziers;34;43.3442;3.2158;79000|Colmar;68;48.0794;7.3585;68000
Mérignac;33;44.8386;-0.6436;72000|Saint-Nazaire;44;47.2735;-2.2138;72000
Ajaccio;2A;41.9192;8.7386;73000|Bourges;18;47.0810;2.3988;64000|Quimper;29;47.9960;-4.1024;63000
Valence;26;44.9334;4.8924;65000|Troyes;10;48.2973;4.0744;61000
Villeneuve-d'Ascq;59;50.6233;3.1450;62000|Cergy;95;49.0364;2.0761;66000
Chambéry;73;45.5646;5.9178;60000|Niort;79;46.3237;-0.4588;59000|Lorient;56;47.7482;-3.3702;57000
Vannes;56;47.6582;-2.7608;54000|Pessac;33;44.8067;-0.6311;65000|Hyères;83;43.1204;6.1286;56000
Saint-Quentin;02;49.8465;3.2876;53000|Beauvais;60;49.4295;2.0807;56000
Cholet;49;47.0600;-0.8791;54000|Vénissieux;69;45.6975;4.8867;67000
Évry-Courcouronnes;91;48.6290;2.4408;67000|Fréjus;83;43.4331;6.7370;55000
Saint-Malo;35;48.6493;-2.0257;47000|Narbonne;11;43.1839;3.0042;56000
Bayonne;64;43.4929;-1.4748;52000|Blois;41;47.5861;1.3359;46000
Brive-la-Gaillarde;19;45.1589;1.5331;46000|Meaux;77;48.9601;2.8788;55000
Carcassonne;11;43.2130;2.3491;46000|Belfort;90;47.6397;6.8638;46000
Chalon-sur-Saône;71;46.7808;4.8539;45000|Albi;81;43.9289;2.1464;49000
Châteauroux;36;46.8103;1.6913;43000|Évreux;27;49.0241;1.1508;47000|Laval;53;48.0707;-0.7734;49000
Charleville-Mézières;08;49.7621;4.7263;46000|Tarbes;65;43.2328;0.0781;42000
Angoulême;16;45.6484;0.1562;42000|Arles;13;43.6766;4.6278;51000|Gap;05;44.5594;6.0786;41000
Bastia;2B;42.6970;9.4509;48000|Châlons-en-Champagne;51;48.9566;4.3631;44000
Saint-Brieuc;22;48.5141;-2.7603;44000|Chartres;28;48.4439;1.4890;38000|Alès;30;44.1249;4.0812;43000
Montauban;82;44.0176;1.3550;61000|Agen;47;44.2033;0.6163;32000|Périgueux;24;45.1847;0.7214;30000
Mont-de-Marsan;40;43.8902;-0.4993;30000|Auxerre;89;47.7982;3.5673;34000
Nevers;58;46.9908;3.1590;33000|Mâcon;71;46.3069;4.8287;34000
Bourg-en-Bresse;01;46.2052;5.2255;42000|Roanne;42;46.0344;4.0723;34000
Vienne;38;45.5255;4.8747;30000|Montélimar;26;44.5581;4.7509;40000
Romans-sur-Isère;26;45.0434;5.0513;33000|Aurillac;15;44.9264;2.4406;26000
Le Puy-en-Velay;43;45.0434;3.8855;19000|Rodez;12;44.3506;2.5750;24000
Cahors;46;44.4475;1.4419;20000|Foix;09;42.9653;1.6071;9600|Auch;32;43.6465;0.5855;22000
Mende;48;44.5181;3.5006;12000|Privas;07;44.7354;4.5991;8500|Aubenas;07;44.6197;4.3903;12000
Annonay;07;45.2400;4.6708;17000|Digne-les-Bains;04;44.0925;6.2356;16000
Manosque;04;43.8350;5.7839;22000|Draguignan;83;43.5366;6.4646;40000|Guéret;23;46.1716;1.8716;13000
Tulle;19;45.2658;1.7722;14000|Moulins;03;46.5646;3.3326;19000|Vichy;03;46.1277;3.4262;25000
Montluçon;03;46.3400;2.6025;34000|Lons-le-Saunier;39;46.6744;5.5540;17000
Vesoul;70;47.6197;6.1547;15000|Épinal;88;48.1724;6.4496;31000|Bar-le-Duc;55;48.7727;5.1602;15000
Verdun;55;49.1598;5.3844;17000|Chaumont;52;48.1113;5.1392;22000|Laon;02;49.5641;3.6199;24000
Soissons;02;49.3817;3.3236;28000|Compiègne;60;49.4179;2.8261;40000|Arras;62;50.2910;2.7775;41000
Lens;62;50.4321;2.8333;32000|Boulogne-sur-Mer;62;50.7264;1.6147;40000
Valenciennes;59;50.3570;3.5235;43000|Douai;59;50.3714;3.0800;40000|Maubeuge;59;50.2775;3.9734;29000
Cherbourg-en-Cotentin;50;49.6337;-1.6222;78000|Saint-Lô;50;49.1157;-1.0906;19000
Alençon;61;48.4320;0.0913;26000|Lisieux;14;49.1465;0.2266;20000|Dieppe;76;49.9229;1.0775;29000
Melun;77;48.5397;2.6553;41000|Fontainebleau;77;48.4047;2.7016;15000
Rambouillet;78;48.6443;1.8298;26000|Mantes-la-Jolie;78;48.9908;1.7172;44000
Étampes;91;48.4346;2.1619;25000|Pontoise;95;49.0516;2.1008;32000|Dreux;28;48.7368;1.3660;31000
Vendôme;41;47.7926;1.0656;16000|Saumur;49;47.2600;-0.0769;26000
La Roche-sur-Yon;85;46.6705;-1.4260;57000|Les Sables-d'Olonne;85;46.4967;-1.7833;46000
Saintes;17;45.7464;-0.6333;26000|Rochefort;17;45.9421;-0.9588;24000|Cognac;16;45.6958;-0.3287;19000
Bergerac;24;44.8510;0.4820;26000|Arcachon;33;44.6586;-1.1689;11000
Libourne;33;44.9153;-0.2434;25000|Dax;40;43.7102;-1.0536;21000|Biarritz;64;43.4832;-1.5586;25000
Lourdes;65;43.0947;-0.0458;13000|Saint-Gaudens;31;43.1080;0.7234;11000
Castres;81;43.6060;2.2410;42000|Millau;12;44.0981;3.0776;22000|Sète;34;43.4028;3.6934;44000
Lunel;34;43.6756;4.1356;26000|Orange;84;44.1381;4.8075;29000|Carpentras;84;44.0556;5.0489;29000
Salon-de-Provence;13;43.6403;5.0972;45000|Aubagne;13;43.2927;5.5708;47000
Martigues;13;43.4053;5.0476;49000|Grasse;06;43.6588;6.9240;50000|Menton;06;43.7747;7.4975;30000
Briançon;05;44.8986;6.6430;11000|Albertville;73;45.6755;6.3925;19000
Thonon-les-Bains;74;46.3705;6.4793;36000|Annemasse;74;46.1934;6.2342;37000
Voiron;38;45.3640;5.5890;20000|Bourgoin-Jallieu;38;45.5860;5.2736;29000
Villefranche-sur-Saône;69;45.9899;4.7189;37000|Oyonnax;01;46.2561;5.6556;22000
Pontarlier;25;46.9043;6.3546;17000|Montbéliard;25;47.5099;6.7986;25000|Dole;39;47.0923;5.4897;23000
Beaune;21;47.0260;4.8400;20000|Sens;89;48.1975;3.2832;26000|Haguenau;67;48.8157;7.7903;35000
Sélestat;67;48.2596;7.4541;19000|Thionville;57;49.3579;6.1681;41000|Forbach;57;49.1883;6.8966;21000
Lunéville;54;48.5893;6.4957;18000|Saint-Dié-des-Vosges;88;48.2849;6.9496;19000
Vierzon;18;47.2219;2.0686;26000|Montargis;45;47.9975;2.7328;14000|Issoire;63;45.5442;3.2490;15000
Thiers;63;45.8565;3.5475;11000|Figeac;46;44.6086;2.0317;10000
Villeneuve-sur-Lot;47;44.4081;0.7049;22000|Marmande;47;44.5000;0.1650;18000
Pamiers;09;43.1165;1.6108;16000|Quimperlé;29;47.8728;-3.5497;12000|Morlaix;29;48.5775;-3.8278;15000
Lannion;22;48.7326;-3.4566;20000|Pontivy;56;48.0680;-2.9628;15000|Fougères;35;48.3524;-1.1942;20000
Vitré;35;48.1236;-1.2084;18000|Redon;35;47.6517;-2.0842;10000
Châteaubriant;44;47.7173;-1.3760;12000|Mayenne;53;48.3031;-0.6136;13000
La Flèche;72;47.6993;-0.0758;15000|Châtellerault;86;46.8178;0.5461;31000
Bressuire;79;46.8406;-0.4886;19000|Parthenay;79;46.6486;-0.2469;10000
Dieulefit;26;44.5253;5.0619;3200|Die;26;44.7536;5.3703;4500|Crest;26;44.7286;5.0228;8500
Nyons;26;44.3608;5.1406;6700|Tournon-sur-Rhône;07;45.0672;4.8329;10000
Le Teil;07;44.5470;4.6828;8500|Largentière;07;44.5431;4.2936;1700|Corte;2B;42.3063;9.1494;7500
Porto-Vecchio;2A;41.5911;9.2794;12000|Sarlat-la-Canéda;24;44.8890;1.2166;9000
Saint-Flour;15;45.0339;3.0926;6600|Ussel;19;45.5480;2.3094;9800|Langres;52;47.8625;5.3331;7600
Avallon;89;47.4900;3.9076;6500|Autun;71;46.9510;4.2986;13000|Clamecy;58;47.4598;3.5197;3900
Loches;37;47.1285;0.9953;6300|Argentan;61;48.7445;-0.0203;13000|Bayeux;14;49.2764;-0.7024;13000
Abbeville;80;50.1054;1.8332;23000|Péronne;80;49.9322;2.9363;7500|Hirson;02;49.9216;4.0838;9000
Sedan;08;49.7019;4.9403;16000|Saint-Girons;09;42.9849;1.1465;6300
Oloron-Sainte-Marie;64;43.1943;-0.6067;10000|Prades;66;42.6175;2.4219;6200
Céret;66;42.4857;2.7481;7800|Lodève;34;43.7316;3.3194;7500|Le Vigan;30;43.9911;3.6061;3800
Florac;48;44.3245;3.5934;1900|Barcelonnette;04;44.3868;6.6525;2600|Embrun;05;44.5640;6.4959;6200
Saint-Jean-de-Maurienne;73;45.2766;6.3470;7800|Bourg-Saint-Maurice;73;45.6187;6.7690;7400
Cluses;74;46.0605;6.5793;17000|Morteau;25;47.0576;6.6066;7000|Saint-Claude;39;46.3872;5.8633;9500
Remiremont;88;48.0168;6.5915;7700|Wissembourg;67;49.0372;7.9464;7400
Sarreguemines;57;49.1099;7.0686;21000|Saint-Avold;57;49.1043;6.7067;15000
Évian-les-Bains;74;46.4008;6.5897;9000
"""


@dataclass(frozen=True)
class Town:
    name: str
    dep: str
    lat: float
    lon: float
    population: int


def towns() -> list[Town]:
    out = []
    for item in _TOWNS.replace("\n", "|").split("|"):
        if item.strip():
            name, dep, lat, lon, pop = item.strip().split(";")
            out.append(Town(name, dep, float(lat), float(lon), int(pop)))
    return out
