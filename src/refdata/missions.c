#include "refdata/missions.h"

#include "base/i18n.h"

#include <stdlib.h>
#include <string.h>

/* Where the facts come from, and the conventions the table follows.
 *
 * Sources: the UN Peace and Security Data Hub list of operations (DPPADPOSS-PKO, Feb 2024),
 * IPI's Providing for Peacekeeping mission table (2017), the mission pages of
 * peacekeeping.un.org, dppa.un.org and the missions' own sites, and the Security Council
 * resolutions that opened, renewed and closed each operation. The fatalities dataset
 * (DPPADPOSS-FATALITIES) decides which acronyms must be present, spelled as it spells them.
 *
 * Errors in those lists corrected here rather than copied: longitude and latitude swapped
 * (MINUSMA, UNOSOM I/II, UNAVEM I/II, UNEF, UNSCOB in the PKO list), a wrong latitude for
 * Asmara (12.18 instead of 15.32), day and month swapped in dates (UNSCOB's end, UNSMA's
 * dates), "Interim Security Force" misnamed "Organization Interim Security Force" (UNISFA),
 * UNEF II placed at Gaza although it sat in Cairo and then Ismailia, and operations the
 * lists leave without coordinates (UNTSO, UNYOM, UNOGIL, UNIPOM, UNGOMAP, UNASOG, UNAVEM III,
 * MINUCI, DOMREP, UNSF, UNCPSG). Those get the coordinates of the city that held the
 * headquarters.
 *
 * host_iso3 is the present-day country containing the HQ city, whatever the state was
 * called when the mission ran (UNPROFOR's Zagreb is HRV, UNSF's Hollandia is IDN). Kosovo
 * has no ISO 3166-1 code: the table uses "XKX", the user-assigned code the EU and the IMF use
 * and which `bluehelm init` adds to the country table (Natural Earth calls it "KOS"). Western
 * Sahara is ESH and Gaza is PSE (ISO 3166-1 "Palestine, State of"). Jerusalem, Abyei and
 * Sukhumi sit in disputed areas: their codes (ISR, SDN, GEO) follow the UN's and IPI's
 * listings and the boundary data, and take no position on sovereignty.
 *
 * start_date is the day the Security Council (or the General Assembly, or the
 * Secretary-General's exchange of letters) established the operation, or the day it began
 * work where that is the date the UN publishes; end_date is the last day of the mandate or
 * of operations. A NULL end_date means the operation was still mandated in November 2026.
 * Where a source only gives a month, the first of that month is used and a comment says so.
 *
 * Coordinates are the HQ city (or the named camp) in WGS 84 decimal degrees, to about a
 * kilometre: they place a mission on a map, they are not a survey of the compound. */

/* Every row in this file has an HQ; the macro keeps each row on a line or two. */
#define HQ(city, lat, lon) city, true, lat, lon

const struct mission_ref refdata_missions[] = {
    { "BINUH", N_("United Nations Integrated Office in Haiti"), MISSION_POLITICAL, "HTI",
      HQ("Port-au-Prince", 18.5392, -72.3350), "2019-10-16", NULL },
    /* Replaced by BINUCA on 1 January 2010. */
    { "BONUCA", N_("United Nations Peacebuilding Support Office in the Central African Republic"),
      MISSION_POLITICAL, "CAF", HQ("Bangui", 4.3612, 18.5550), "2000-02-15", "2009-12-31" },
    { "DOMREP",
      N_("Mission of the Representative of the Secretary-General in the Dominican Republic"),
      MISSION_PEACEKEEPING, "DOM", HQ("Santo Domingo", 18.4861, -69.9312), "1965-05-14",
      "1966-10-22" },
    /* The police component of UNMIBH; the fatalities data records it on its own. */
    { "IPTF", N_("United Nations International Police Task Force"), MISSION_PEACEKEEPING, "BIH",
      HQ("Sarajevo", 43.8563, 18.4131), "1995-12-21", "2002-12-31" },
    /* Mandated by the General Assembly (resolution 54/193 of 17 December 1999), not the
     * Security Council, and not on the UN's list of peacekeeping operations; the PKO list
     * carries it as the successor of MIPONUH. */
    { "MICAH", N_("International Civilian Support Mission in Haiti"), MISSION_POLITICAL, "HTI",
      HQ("Port-au-Prince", 18.5392, -72.3350), "1999-12-17", "2001-02-06" },
    /* The PKO list has no coordinates for it; it sat in Abidjan before UNOCI took over. */
    { "MINUCI", N_("United Nations Mission in Côte d'Ivoire"), MISSION_PEACEKEEPING, "CIV",
      HQ("Abidjan", 5.3600, -4.0083), "2003-05-13", "2004-04-04" },
    /* The whole ten-year verification mission: the fatalities data records deaths in 1998,
     * after the peacekeeping part (military observers, 20 January to 27 May 1997) that the
     * PKO list dates alone. */
    { "MINUGUA", N_("United Nations Verification Mission in Guatemala"), MISSION_PEACEKEEPING,
      "GTM", HQ("Guatemala City", 14.6349, -90.5069), "1994-11-21", "2004-12-31" },
    { "MINUJUSTH", N_("United Nations Mission for Justice Support in Haiti"), MISSION_PEACEKEEPING,
      "HTI", HQ("Port-au-Prince", 18.5392, -72.3350), "2017-10-16", "2019-10-15" },
    { "MINURCA", N_("United Nations Mission in the Central African Republic"), MISSION_PEACEKEEPING,
      "CAF", HQ("Bangui", 4.3612, 18.5550), "1998-04-15", "2000-02-15" },
    { "MINURCAT", N_("United Nations Mission in the Central African Republic and Chad"),
      MISSION_PEACEKEEPING, "TCD", HQ("N'Djamena", 12.1348, 15.0557), "2007-09-25", "2010-12-31" },
    { "MINURSO", N_("United Nations Mission for the Referendum in Western Sahara"),
      MISSION_PEACEKEEPING, "ESH", HQ("Laayoune", 27.1536, -13.2033), "1991-04-29", NULL },
    { "MINUSCA",
      N_("United Nations Multidimensional Integrated Stabilization Mission in the Central African "
         "Republic"),
      MISSION_PEACEKEEPING, "CAF", HQ("Bangui", 4.3612, 18.5550), "2014-04-10", NULL },
    /* The PKO list gives "12,6500" as longitude and "-8,0000" as latitude, which is in the
     * South Atlantic; Bamako is 12.6 N, 8.0 W. Resolution 2690 ended the mandate on 30 June
     * 2023 and set 31 December 2023 for the withdrawal, the date the UN gives for its end. */
    { "MINUSMA", N_("United Nations Multidimensional Integrated Stabilization Mission in Mali"),
      MISSION_PEACEKEEPING, "MLI", HQ("Bamako", 12.6392, -8.0029), "2013-04-25", "2023-12-31" },
    { "MINUSTAH", N_("United Nations Stabilization Mission in Haiti"), MISSION_PEACEKEEPING, "HTI",
      HQ("Port-au-Prince", 18.5392, -72.3350), "2004-06-01", "2017-10-15" },
    /* Resolution 1141 of 28 November 1997 set it up to follow UNTMIH, which ended on 30
     * November; the PKO list's "1997-12-28" reads as a slip for the resolution's date. */
    { "MIPONUH", N_("United Nations Civilian Police Mission in Haiti"), MISSION_PEACEKEEPING, "HTI",
      HQ("Port-au-Prince", 18.5392, -72.3350), "1997-12-01", "2000-03-15" },
    { "MONUA", N_("United Nations Observer Mission in Angola"), MISSION_PEACEKEEPING, "AGO",
      HQ("Luanda", -8.8390, 13.2894), "1997-06-30", "1999-02-26" },
    { "MONUC", N_("United Nations Organization Mission in the Democratic Republic of the Congo"),
      MISSION_PEACEKEEPING, "COD", HQ("Kinshasa", -4.3217, 15.3125), "1999-11-30", "2010-06-30" },
    { "MONUSCO",
      N_("United Nations Organization Stabilization Mission in the Democratic Republic of the "
         "Congo"),
      MISSION_PEACEKEEPING, "COD", HQ("Kinshasa", -4.3217, 15.3125), "2010-07-01", NULL },
    { "ONUB", N_("United Nations Operation in Burundi"), MISSION_PEACEKEEPING, "BDI",
      HQ("Bujumbura", -3.3614, 29.3599), "2004-06-01", "2006-12-31" },
    /* Léopoldville then, Kinshasa now. */
    { "ONUC", N_("United Nations Operation in the Congo"), MISSION_PEACEKEEPING, "COD",
      HQ("Kinshasa", -4.3217, 15.3125), "1960-07-14", "1964-06-30" },
    { "ONUCA", N_("United Nations Observer Group in Central America"), MISSION_PEACEKEEPING, "HND",
      HQ("Tegucigalpa", 14.0723, -87.1921), "1989-11-07", "1992-01-17" },
    { "ONUMOZ", N_("United Nations Operation in Mozambique"), MISSION_PEACEKEEPING, "MOZ",
      HQ("Maputo", -25.9692, 32.5732), "1992-12-16", "1994-12-09" },
    { "ONUSAL", N_("United Nations Observer Mission in El Salvador"), MISSION_PEACEKEEPING, "SLV",
      HQ("San Salvador", 13.6929, -89.2182), "1991-07-26", "1995-04-30" },
    /* DPPA dates the office to June 2012 without a day. It has worked from Amman since
     * 2017. */
    { "OSESGY", N_("Office of the Special Envoy of the Secretary-General for Yemen"),
      MISSION_POLITICAL, "JOR", HQ("Amman", 31.9539, 35.9106), "2012-06-01", NULL },
    /* Dated from the appointment of the first (joint UN and League of Arab States) envoy,
     * Kofi Annan, on 23 February 2012; the office works from Geneva. */
    { "OSESyria", "Office of the Special Envoy of the Secretary-General for Syria",
      MISSION_POLITICAL, "CHE", HQ("Geneva", 46.2044, 6.1432), "2012-02-23", NULL },
    /* The last renewal seen, in March 2026, ran three months; treated as still mandated. */
    { "UNAMA", N_("United Nations Assistance Mission in Afghanistan"), MISSION_POLITICAL, "AFG",
      HQ("Kabul", 34.5553, 69.2075), "2002-03-28", NULL },
    { "UNAMET", N_("United Nations Mission in East Timor"), MISSION_POLITICAL, "TLS",
      HQ("Dili", -8.5569, 125.5603), "1999-06-11", "1999-10-25" },
    /* Resolution 2732 (2024) renewed it "for a final 19-month period until 31 December
     * 2025". */
    { "UNAMI", N_("United Nations Assistance Mission for Iraq"), MISSION_POLITICAL, "IRQ",
      HQ("Baghdad", 33.3152, 44.3661), "2003-08-14", "2025-12-31" },
    { "UNAMIC", N_("United Nations Advance Mission in Cambodia"), MISSION_PEACEKEEPING, "KHM",
      HQ("Phnom Penh", 11.5564, 104.9282), "1991-10-16", "1992-03-15" },
    { "UNAMID", N_("African Union-United Nations Hybrid Operation in Darfur"), MISSION_PEACEKEEPING,
      "SDN", HQ("El Fasher", 13.6279, 25.3494), "2007-07-31", "2020-12-31" },
    { "UNAMIR", N_("United Nations Assistance Mission for Rwanda"), MISSION_PEACEKEEPING, "RWA",
      HQ("Kigali", -1.9441, 30.0619), "1993-10-05", "1996-03-08" },
    { "UNAMSIL", N_("United Nations Mission in Sierra Leone"), MISSION_PEACEKEEPING, "SLE",
      HQ("Freetown", 8.4657, -13.2317), "1999-10-22", "2005-12-31" },
    /* Based at Aouzou in the strip; it ended with resolution 926 of 13 June 1994. */
    { "UNASOG", N_("United Nations Aouzou Strip Observer Group"), MISSION_PEACEKEEPING, "TCD",
      HQ("Aouzou", 21.8167, 17.4167), "1994-05-04", "1994-06-13" },
    /* Umbrella row: the fatalities data files all three Angola missions under "UNAVEM"
     * (deaths from 1991 to June 1997), so the row runs from UNAVEM I's start to UNAVEM III's
     * end. The PKO list's "UNAVEM (I & II)" row stops in 1995 and would leave the 1995-1997
     * deaths outside it. */
    { "UNAVEM", N_("United Nations Angola Verification Mission (I, II and III)"),
      MISSION_PEACEKEEPING, "AGO", HQ("Luanda", -8.8390, 13.2894), "1989-01-03", "1997-06-30" },
    { "UNAVEM I", N_("United Nations Angola Verification Mission I"), MISSION_PEACEKEEPING, "AGO",
      HQ("Luanda", -8.8390, 13.2894), "1989-01-03", "1991-05-30" },
    { "UNAVEM II", N_("United Nations Angola Verification Mission II"), MISSION_PEACEKEEPING, "AGO",
      HQ("Luanda", -8.8390, 13.2894), "1991-05-30", "1995-02-08" },
    { "UNAVEM III", N_("United Nations Angola Verification Mission III"), MISSION_PEACEKEEPING,
      "AGO", HQ("Luanda", -8.8390, 13.2894), "1995-02-08", "1997-06-30" },
    /* The PKO list carries the Civilian Police Support Group twice, as UNPSG and as UNCPSG;
     * both acronyms name the one operation, so both rows hold the same facts. */
    { "UNCPSG", N_("United Nations Civilian Police Support Group"), MISSION_PEACEKEEPING, "HRV",
      HQ("Zagreb", 45.8150, 15.9819), "1997-12-19", "1998-10-15" },
    { "UNCRO", N_("United Nations Confidence Restoration Operation in Croatia"),
      MISSION_PEACEKEEPING, "HRV", HQ("Zagreb", 45.8150, 15.9819), "1995-03-31", "1996-01-15" },
    /* Camp Faouar, on the Syrian side of the area of separation; the mission worked mostly
     * from the Israeli-held side between 2014 and 2018 and has since returned. */
    { "UNDOF", N_("United Nations Disengagement Observer Force"), MISSION_PEACEKEEPING, "SYR",
      HQ("Camp Faouar", 33.2367, 35.9211), "1974-05-31", NULL },
    /* Umbrella row: the fatalities data files both Emergency Forces under "UNEF", so the row
     * runs from UNEF I's establishment to UNEF II's end. Its HQ is UNEF I's Gaza, where the
     * longer of the two sat; the PKO list's UNEF row has Gaza's coordinates swapped. */
    { "UNEF", N_("United Nations Emergency Force (I and II)"), MISSION_PEACEKEEPING, "PSE",
      HQ("Gaza", 31.5017, 34.4668), "1956-11-05", "1979-07-24" },
    { "UNEF I", N_("First United Nations Emergency Force"), MISSION_PEACEKEEPING, "PSE",
      HQ("Gaza", 31.5017, 34.4668), "1956-11-05", "1967-06-17" },
    /* Headquartered in Cairo and, from August 1976, in Ismailia, not in Gaza as the PKO list
     * says: UNEF II never deployed in Gaza. */
    { "UNEF II", N_("Second United Nations Emergency Force"), MISSION_PEACEKEEPING, "EGY",
      HQ("Ismailia", 30.5965, 32.2715), "1973-10-25", "1979-07-24" },
    /* The UN Protected Area at the old Nicosia airport, inside the buffer zone. */
    { "UNFICYP", N_("United Nations Peacekeeping Force in Cyprus"), MISSION_PEACEKEEPING, "CYP",
      HQ("Nicosia", 35.1525, 33.2762), "1964-03-27", NULL },
    /* The PKO list has a Zagreb row "United Nations Force" with no dates and no other source
     * describes it; it is dated here as the span of the UN forces commanded from Zagreb,
     * from UNPROFOR's establishment to the end of UNPF. */
    { "UNFOR", N_("United Nations Force"), MISSION_PEACEKEEPING, "HRV",
      HQ("Zagreb", 45.8150, 15.9819), "1992-02-21", "1996-01-31" },
    /* Uniformed guards protecting the humanitarian programme, not a peacekeeping
     * operation; agreed in May 1991 (first of the month) and ended with Oil-for-Food. */
    { "UNGCI", N_("United Nations Guards Contingent in Iraq"), MISSION_OTHER, "IRQ",
      HQ("Baghdad", 33.3152, 44.3661), "1991-05-01", "2003-11-30" },
    /* The UN names two HQs, Kabul and Islamabad; the first is used. */
    { "UNGOMAP", N_("United Nations Good Offices Mission in Afghanistan and Pakistan"),
      MISSION_PEACEKEEPING, "AFG", HQ("Kabul", 34.5553, 69.2075), "1988-05-15", "1990-03-15" },
    /* Resolution 2790 (2025) renewed it a final time: operations cease on 31 December 2026
     * and a year of withdrawal follows, so in November 2026 it is still active. */
    { "UNIFIL", N_("United Nations Interim Force in Lebanon"), MISSION_PEACEKEEPING, "LBN",
      HQ("Naqoura", 33.1181, 35.1394), "1978-03-19", NULL },
    /* HQs in Baghdad and Tehran; the PKO list names Tehran but gives a point in Kermanshah
     * province, some 340 km west of it, so the city's coordinates replace it. */
    { "UNIIMOG", N_("United Nations Iran-Iraq Military Observer Group"), MISSION_PEACEKEEPING,
      "IRN", HQ("Tehran", 35.6892, 51.3890), "1988-08-09", "1991-02-28" },
    { "UNIKOM", N_("United Nations Iraq-Kuwait Observation Mission"), MISSION_PEACEKEEPING, "IRQ",
      HQ("Umm Qasr", 30.0342, 47.9294), "1991-04-09", "2003-10-06" },
    { "UNIOSIL", N_("United Nations Integrated Office in Sierra Leone"), MISSION_POLITICAL, "SLE",
      HQ("Freetown", 8.4657, -13.2317), "2006-01-01", "2008-09-30" },
    /* HQs in Lahore and Amritsar; the first is used. */
    { "UNIPOM", N_("United Nations India-Pakistan Observation Mission"), MISSION_PEACEKEEPING,
      "PAK", HQ("Lahore", 31.5497, 74.3436), "1965-09-20", "1966-03-22" },
    { "UNIPSIL", N_("United Nations Integrated Peacebuilding Office in Sierra Leone"),
      MISSION_POLITICAL, "SLE", HQ("Freetown", 8.4657, -13.2317), "2008-10-01", "2014-03-31" },
    { "UNISFA", N_("United Nations Interim Security Force for Abyei"), MISSION_PEACEKEEPING, "SDN",
      HQ("Abyei", 9.5956, 28.4364), "2011-06-27", NULL },
    /* Resolution 2715 (2023) ended its mandate on 3 December 2023 and gave it until 29
     * February 2024 to close; the UN dates the mission's end to the latter. The war had
     * already moved it out of Khartoum. */
    { "UNITAMS", N_("United Nations Integrated Transition Assistance Mission in Sudan"),
      MISSION_POLITICAL, "SDN", HQ("Khartoum", 15.5007, 32.5599), "2020-06-03", "2024-02-29" },
    { "UNMA", N_("United Nations Mission in Angola"), MISSION_POLITICAL, "AGO",
      HQ("Luanda", -8.8390, 13.2894), "2002-08-15", "2003-02-15" },
    /* The mine action office inside UNMIS, discontinued when UNMIS closed; the fatalities
     * data lists it as a mission. */
    { "UNMAO", N_("United Nations Mine Action Office in the Sudan"), MISSION_OTHER, "SDN",
      HQ("Khartoum", 15.5007, 32.5599), "2005-03-24", "2011-07-09" },
    /* Asmara is at 15.3 N; the PKO list's 12.18 is wrong. */
    { "UNMEE", N_("United Nations Mission in Ethiopia and Eritrea"), MISSION_PEACEKEEPING, "ERI",
      HQ("Asmara", 15.3229, 38.9251), "2000-07-31", "2008-07-31" },
    { "UNMIBH", N_("United Nations Mission in Bosnia and Herzegovina"), MISSION_PEACEKEEPING, "BIH",
      HQ("Sarajevo", 43.8563, 18.4131), "1995-12-21", "2002-12-31" },
    { "UNMIH", N_("United Nations Mission in Haiti"), MISSION_PEACEKEEPING, "HTI",
      HQ("Port-au-Prince", 18.5392, -72.3350), "1993-09-23", "1996-06-30" },
    { "UNMIK", N_("United Nations Interim Administration Mission in Kosovo"), MISSION_PEACEKEEPING,
      "XKX", HQ("Pristina", 42.6629, 21.1655), "1999-06-10", NULL },
    { "UNMIL", N_("United Nations Mission in Liberia"), MISSION_PEACEKEEPING, "LBR",
      HQ("Monrovia", 6.3156, -10.8074), "2003-09-19", "2018-03-30" },
    { "UNMIN", N_("United Nations Mission in Nepal"), MISSION_POLITICAL, "NPL",
      HQ("Kathmandu", 27.7172, 85.3240), "2007-01-23", "2011-01-15" },
    { "UNMIS", N_("United Nations Mission in the Sudan"), MISSION_PEACEKEEPING, "SDN",
      HQ("Khartoum", 15.5007, 32.5599), "2005-03-24", "2011-07-09" },
    { "UNMISET", N_("United Nations Mission of Support in East Timor"), MISSION_PEACEKEEPING, "TLS",
      HQ("Dili", -8.5569, 125.5603), "2002-05-20", "2005-05-20" },
    { "UNMISS", N_("United Nations Mission in the Republic of South Sudan"), MISSION_PEACEKEEPING,
      "SSD", HQ("Juba", 4.8594, 31.5713), "2011-07-08", NULL },
    { "UNMIT", N_("United Nations Integrated Mission in Timor-Leste"), MISSION_PEACEKEEPING, "TLS",
      HQ("Dili", -8.5569, 125.5603), "2006-08-25", "2012-12-31" },
    /* The HQ moves with the seasons: Islamabad from November to April, Srinagar from May to
     * October. The table keeps Islamabad, as IPI does; the PKO list's point (33.46 N,
     * 76.32 E) lies in the Himalaya some 150 km south-east of Srinagar, near neither city. */
    { "UNMOGIP", N_("United Nations Military Observer Group in India and Pakistan"),
      MISSION_PEACEKEEPING, "PAK", HQ("Islamabad", 33.6844, 73.0479), "1949-01-24", NULL },
    { "UNMOP", N_("United Nations Mission of Observers in Prevlaka"), MISSION_PEACEKEEPING, "HRV",
      HQ("Cavtat", 42.5810, 18.2190), "1996-01-15", "2002-12-15" },
    { "UNMOT", N_("United Nations Mission of Observers in Tajikistan"), MISSION_PEACEKEEPING, "TJK",
      HQ("Dushanbe", 38.5598, 68.7870), "1994-12-16", "2000-05-15" },
    { "UNOAU", N_("United Nations Office to the African Union"), MISSION_POLITICAL, "ETH",
      HQ("Addis Ababa", 9.0300, 38.7400), "2010-07-01", NULL },
    { "UNOCI", N_("United Nations Operation in Côte d'Ivoire"), MISSION_PEACEKEEPING, "CIV",
      HQ("Abidjan", 5.3600, -4.0083), "2004-04-04", "2017-06-30" },
    { "UNOGIL", N_("United Nations Observation Group in Lebanon"), MISSION_PEACEKEEPING, "LBN",
      HQ("Beirut", 33.8938, 35.5018), "1958-06-11", "1958-12-09" },
    /* The field office that ran the Oil-for-Food programme in Iraq. No list dates it: the
     * start is the month the Office of the Iraq Programme was set up to consolidate that work
     * (October 1997), the end is the programme's handover on 21 November 2003. Both are
     * approximations. */
    { "UNOHCI", N_("Office of the United Nations Humanitarian Coordinator for Iraq"), MISSION_OTHER,
      "IRQ", HQ("Baghdad", 33.3152, 44.3661), "1997-10-01", "2003-11-21" },
    { "UNOMIG", N_("United Nations Observer Mission in Georgia"), MISSION_PEACEKEEPING, "GEO",
      HQ("Sukhumi", 43.0015, 41.0234), "1993-08-24", "2009-06-15" },
    { "UNOMIL", N_("United Nations Observer Mission in Liberia"), MISSION_PEACEKEEPING, "LBR",
      HQ("Monrovia", 6.3156, -10.8074), "1993-09-22", "1997-09-30" },
    { "UNOMSIL", N_("United Nations Observer Mission in Sierra Leone"), MISSION_PEACEKEEPING, "SLE",
      HQ("Freetown", 8.4657, -13.2317), "1998-07-13", "1999-10-22" },
    { "UNOMUR", N_("United Nations Observer Mission Uganda-Rwanda"), MISSION_PEACEKEEPING, "UGA",
      HQ("Kabale", -1.2486, 29.9899), "1993-06-22", "1994-09-21" },
    /* Umbrella row: the fatalities data files both Somalia operations under "UNOSOM", so the
     * row runs from UNOSOM I's establishment to UNOSOM II's end. */
    { "UNOSOM", N_("United Nations Operation in Somalia (I and II)"), MISSION_PEACEKEEPING, "SOM",
      HQ("Mogadishu", 2.0469, 45.3182), "1992-04-24", "1995-03-31" },
    { "UNOSOM I", N_("United Nations Operation in Somalia I"), MISSION_PEACEKEEPING, "SOM",
      HQ("Mogadishu", 2.0469, 45.3182), "1992-04-24", "1993-03-26" },
    { "UNOSOM II", N_("United Nations Operation in Somalia II"), MISSION_PEACEKEEPING, "SOM",
      HQ("Mogadishu", 2.0469, 45.3182), "1993-03-26", "1995-03-31" },
    /* Established in January 2002 and merged with the Sahel envoy's office into UNOWAS in
     * January 2016; both are known only to the month, so both are the first of it. */
    { "UNOWA", N_("United Nations Office for West Africa"), MISSION_POLITICAL, "SEN",
      HQ("Dakar", 14.7167, -17.4677), "2002-01-01", "2016-01-01" },
    /* Its mandate lapsed on 31 January 2026 while the Council negotiated a renewal, and the
     * office kept working; treated as still mandated. */
    { "UNOWAS", N_("United Nations Office for West Africa and the Sahel"), MISSION_POLITICAL, "SEN",
      HQ("Dakar", 14.7167, -17.4677), "2016-01-01", NULL },
    /* An umbrella HQ over UNCRO, UNPROFOR (in Bosnia) and UNPREDEP after March 1995. */
    { "UNPF", N_("United Nations Peace Forces"), MISSION_PEACEKEEPING, "HRV",
      HQ("Zagreb", 45.8150, 15.9819), "1995-03-31", "1996-01-31" },
    /* Based in Nairobi for 17 of its 18 years (it moved to Mogadishu in January 2012). */
    { "UNPOS", N_("United Nations Political Office for Somalia"), MISSION_POLITICAL, "KEN",
      HQ("Nairobi", -1.2921, 36.8219), "1995-04-15", "2013-06-03" },
    { "UNPREDEP", N_("United Nations Preventive Deployment Force"), MISSION_PEACEKEEPING, "MKD",
      HQ("Skopje", 41.9981, 21.4254), "1995-03-31", "1999-02-28" },
    /* From March 1995 the name covered only the force in Bosnia and Herzegovina, which
     * handed over to IFOR on 20 December 1995; the fatalities data records deaths until
     * then. */
    { "UNPROFOR", N_("United Nations Protection Force"), MISSION_PEACEKEEPING, "HRV",
      HQ("Zagreb", 45.8150, 15.9819), "1992-02-21", "1995-12-20" },
    { "UNPSG", N_("United Nations Civilian Police Support Group"), MISSION_PEACEKEEPING, "HRV",
      HQ("Zagreb", 45.8150, 15.9819), "1997-12-19", "1998-10-15" },
    /* A General Assembly committee (resolution 109 (II)) with observer groups on Greece's
     * northern border, older than UN peacekeeping itself. It sat first in Salonika; the PKO
     * list gives Athens, and its end as "1951-07-12" for 7 December 1951 (resolution 508
     * (VI)). */
    { "UNSCOB", N_("United Nations Special Committee on the Balkans"), MISSION_OTHER, "GRC",
      HQ("Athens", 37.9838, 23.7275), "1947-10-21", "1951-12-07" },
    /* The security force of the UN Temporary Executive Authority, which governed from
     * Hollandia, now Jayapura. */
    { "UNSF", N_("United Nations Security Force in West New Guinea"), MISSION_PEACEKEEPING, "IDN",
      HQ("Jayapura", -2.5337, 140.7181), "1962-10-01", "1963-04-30" },
    /* Set up after General Assembly resolution 48/208 of 21 December 1993 and folded into
     * UNAMA on 28 March 2002. The PKO list's "1993-01-12" and "2001-01-05" read as day and
     * month swapped (December 1993; May 2001, when the Taliban closed its Kabul office). */
    { "UNSMA", N_("United Nations Special Mission to Afghanistan"), MISSION_POLITICAL, "AFG",
      HQ("Kabul", 34.5553, 69.2075), "1993-12-21", "2002-03-28" },
    { "UNSMIH", N_("United Nations Support Mission in Haiti"), MISSION_PEACEKEEPING, "HTI",
      HQ("Port-au-Prince", 18.5392, -72.3350), "1996-07-01", "1997-07-31" },
    { "UNSMIL", N_("United Nations Support Mission in Libya"), MISSION_POLITICAL, "LBY",
      HQ("Tripoli", 32.8872, 13.1913), "2011-09-16", NULL },
    { "UNSMIS", N_("United Nations Supervision Mission in Syria"), MISSION_PEACEKEEPING, "SYR",
      HQ("Damascus", 33.5138, 36.2765), "2012-04-21", "2012-08-19" },
    /* Renamed the UN Transitional Assistance Mission in Somalia (UNTMIS) from 1 November
     * 2024 by resolution 2753; UNSOM as such ended the day before. */
    { "UNSOM", N_("United Nations Assistance Mission in Somalia"), MISSION_POLITICAL, "SOM",
      HQ("Mogadishu", 2.0469, 45.3182), "2013-06-03", "2024-10-31" },
    /* A support office run by the Department of Operational Support for AMISOM and its
     * successors and for UNSOM, financed from the peacekeeping budget, neither a
     * peacekeeping operation nor a political mission. */
    { "UNSOS", N_("United Nations Support Office in Somalia"), MISSION_OTHER, "SOM",
      HQ("Mogadishu", 2.0469, 45.3182), "2015-11-09", NULL },
    /* Staff of the Secretariat who died on mission business, such as the 1961 crash that
     * killed Dag Hammarskjöld; dated from the Charter's entry into force. */
    { "UNSecretariat", "United Nations Secretariat", MISSION_OTHER, "USA",
      HQ("New York", 40.7489, -73.9680), "1945-10-24", NULL },
    { "UNTAC", N_("United Nations Transitional Authority in Cambodia"), MISSION_PEACEKEEPING, "KHM",
      HQ("Phnom Penh", 11.5564, 104.9282), "1992-03-15", "1993-09-24" },
    { "UNTAES",
      N_("United Nations Transitional Administration for Eastern Slavonia, Baranja and Western "
         "Sirmium"),
      MISSION_PEACEKEEPING, "HRV", HQ("Vukovar", 45.3500, 18.9990), "1996-01-15", "1998-01-15" },
    { "UNTAET", N_("United Nations Transitional Administration in East Timor"),
      MISSION_PEACEKEEPING, "TLS", HQ("Dili", -8.5569, 125.5603), "1999-10-25", "2002-05-20" },
    /* Missing from the PKO list although the fatalities data has it. */
    { "UNTAG", N_("United Nations Transition Assistance Group"), MISSION_PEACEKEEPING, "NAM",
      HQ("Windhoek", -22.5609, 17.0658), "1989-04-01", "1990-03-21" },
    /* Missing from both lists; added so the UN's 71 peacekeeping operations are all here. */
    { "UNTMIH", N_("United Nations Transition Mission in Haiti"), MISSION_PEACEKEEPING, "HTI",
      HQ("Port-au-Prince", 18.5392, -72.3350), "1997-08-01", "1997-11-30" },
    /* Government House in Jerusalem; the PKO list has no coordinates for it. */
    { "UNTSO", N_("United Nations Truce Supervision Organization"), MISSION_PEACEKEEPING, "ISR",
      HQ("Jerusalem", 31.7553, 35.2368), "1948-05-29", NULL },
    { "UNVMC", N_("United Nations Verification Mission in Colombia"), MISSION_POLITICAL, "COL",
      HQ("Bogotá", 4.7110, -74.0721), "2017-09-26", NULL },
    { "UNYOM", N_("United Nations Yemen Observation Mission"), MISSION_PEACEKEEPING, "YEM",
      HQ("Sana'a", 15.3694, 44.1910), "1963-07-04", "1964-09-04" },
};

const size_t refdata_missions_count = sizeof refdata_missions / sizeof refdata_missions[0];

static int compare_acronym(const void *key, const void *elem)
{
    const struct mission_ref *m = elem;
    return strcmp(key, m->acronym);
}

const struct mission_ref *refdata_mission_find(const char *acronym)
{
    if (!acronym)
        return NULL;
    return bsearch(acronym, refdata_missions, refdata_missions_count, sizeof refdata_missions[0],
                   compare_acronym);
}

/* Indexed by enum mission_kind, so a new kind without a name is a gap the compiler leaves as
 * NULL and the check below catches. */
static const char *const kind_names[] = {
    [MISSION_PEACEKEEPING] = "peacekeeping",
    [MISSION_POLITICAL] = "political",
    [MISSION_OTHER] = "other",
};

const char *refdata_mission_kind_name(enum mission_kind kind)
{
    /* The header promises one of the three names; a value outside the enum can only come
     * from a cast, and "other" is the honest name for something the table cannot place. */
    if ((size_t)kind >= sizeof kind_names / sizeof kind_names[0] || !kind_names[kind])
        return "other";
    return kind_names[kind];
}
