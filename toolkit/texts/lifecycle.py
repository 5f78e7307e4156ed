"""Report texts of the churn-and-acquisition and cohort chapters (issue 4), in Dutch and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.churn": {"nl": "Klantverloop en klantwerving", "en": "Churn and acquisition"},
    "chapter.cohorts": {"nl": "Cohorten", "en": "Cohorts"},
    # --- notes --------------------------------------------------------------------------------
    "warn.lifecycle_short_history": {
        "nl": "De gegevens zijn te kort voor een tabel van klantverloop: een klant telt pas als verloren na {n} "
              "maanden zonder aankoop, dus er zijn minstens {n} maanden plus één hele periode aan transacties nodig.",
        "en": "The data are too short for a churn table: a customer only counts as lost after {n} months without "
              "a purchase, so at least {n} months plus one whole period of transactions are needed."},
    # --- units and labels ---------------------------------------------------------------------
    "lifecycle.unit.year": {"nl": "jaar", "en": "year"},
    "lifecycle.unit.quarter": {"nl": "kwartaal", "en": "quarter"},
    "lifecycle.unit.month": {"nl": "maand", "en": "month"},
    "lifecycle.quarter": {"nl": "K{q} {year}", "en": "Q{q} {year}"},
    "lifecycle.channel_other": {"nl": "Overige kanalen", "en": "Other channels"},
    "lifecycle.channel_unknown": {"nl": "Onbekend", "en": "Unknown"},
    # --- churn ---------------------------------------------------------------------------------
    "lifecycle.intro": {
        "nl": "Een klant is actief zolang hij in de laatste {gap} maanden iets heeft gekocht. Wie {gap} maanden niets "
              "koopt, telt als verloren; wie daarna toch weer koopt, als teruggekeerd. De tabel telt per {unit} de "
              "actieve klanten aan het begin en het eind, en wat er tussendoor bij kwam en af ging.",
        "en": "A customer is active as long as they bought something in the last {gap} months. A customer who buys "
              "nothing for {gap} months counts as lost; one who buys again after that, as returned. The table "
              "counts per {unit} the active customers at the start and the end, and those won and lost in between."},
    "lifecycle.new_rule_master": {
        "nl": "Nieuw is een klant die in de periode voor het eerst koopt en volgens het klantenbestand niet vóór "
              "het begin van de gegevens klant werd; oudere klanten die na lange tijd weer kopen, tellen als "
              "teruggekeerd.",
        "en": "A new customer buys for the first time in the period and, according to the customer master, did not "
              "become a customer before the data start; older customers who buy again after a long time count as "
              "returned."},
    "lifecycle.new_rule_data": {
        "nl": "Nieuw is een klant die in de periode voor het eerst koopt, zonder aankoop in minstens {gap} maanden "
              "gegevens daarvoor. Zonder aanmaakdatum in een klantenbestand is niet te zien of zo'n klant lang "
              "geleden al eens kocht.",
        "en": "A new customer buys for the first time in the period, with no purchase in at least {gap} months of "
              "data before. Without a creation date in a customer master there is no telling whether such a "
              "customer bought long ago."},
    "lifecycle.no_periods": {
        "nl": "Er is nog geen hele periode met voldoende voorgeschiedenis om klantverloop te tellen.",
        "en": "There is no whole period with enough history yet to count churn."},
    "lifecycle.kf_lost": {
        "nl": "In {period} verloor u {lost} klanten: {churn} van de {start} klanten die aan het begin actief waren. "
              "Zij kochten in hun laatste jaar samen voor {revenue}.",
        "en": "In {period} you lost {lost} customers: {churn} of the {start} customers active at the start. In "
              "their last year they bought {revenue} worth together."},
    "lifecycle.kf_won": {
        "nl": "Daar stonden {new} nieuwe klanten tegenover, goed voor {revenue} omzet in hun eerste periode, en "
              "{back} oud-klanten die terugkwamen.",
        "en": "Against that stood {new} new customers, worth {revenue} in revenue in their first period, and {back} "
              "former customers who came back."},
    "lifecycle.kf_grew": {
        "nl": "Per saldo groeide het actieve klantenbestand van {start} naar {end} klanten (+{change}).",
        "en": "On balance the active customer base grew from {start} to {end} customers (+{change})."},
    "lifecycle.kf_shrank": {
        "nl": "Per saldo kromp het actieve klantenbestand van {start} naar {end} klanten (−{change}).",
        "en": "On balance the active customer base shrank from {start} to {end} customers (−{change})."},
    "lifecycle.kf_flat": {
        "nl": "Per saldo bleef het actieve klantenbestand gelijk: {start} klanten aan het begin, {end} aan het eind.",
        "en": "On balance the active customer base stayed level: {start} customers at the start, {end} at the end."},
    "lifecycle.kf_trend_down": {
        "nl": "Het verloop daalde van {first} in {first_period} naar {last}.",
        "en": "Churn fell from {first} in {first_period} to {last}."},
    "lifecycle.kf_trend_up": {
        "nl": "Het verloop steeg van {first} in {first_period} naar {last}.",
        "en": "Churn rose from {first} in {first_period} to {last}."},
    "lifecycle.flow_figure": {
        "nl": "Gewonnen (nieuw en teruggekeerd, boven de as) en verloren klanten (onder de as, {gap} maanden zonder "
              "aankoop) per periode; daarboven de actieve klanten aan het eind van elke periode.",
        "en": "Customers won (new and returned, above the axis) and lost (below the axis, {gap} months without a "
              "purchase) per period; above them the active customers at the end of each period."},
    "lifecycle.flow_caption": {"nl": "Klantverloop per periode", "en": "Customers won and lost per period"},
    "lifecycle.flow_note": {
        "nl": "Verloop = verloren klanten gedeeld door de actieve klanten aan het begin. Omzet nieuw = de omzet van "
              "de nieuwe klanten in die periode; omzet verloren = de omzet van de verloren klanten in de twaalf "
              "maanden tot en met hun laatste aankoop.",
        "en": "Churn = customers lost divided by the customers active at the start. Revenue new = the new customers' "
              "revenue in that period; revenue lost = the lost customers' revenue in the twelve months up to and "
              "including their last purchase."},
    "lifecycle.axis_flow": {"nl": "Klanten gewonnen / verloren", "en": "Customers won / lost"},
    "lifecycle.axis_active": {"nl": "Actieve klanten", "en": "Active customers"},
    "lifecycle.legend_new": {"nl": "Nieuw", "en": "New"},
    "lifecycle.legend_back": {"nl": "Teruggekeerd", "en": "Returned"},
    "lifecycle.legend_lost": {"nl": "Verloren", "en": "Lost"},
    "lifecycle.legend_active": {"nl": "Actief aan het eind", "en": "Active at the end"},
    "lifecycle.col.period": {"nl": "Periode", "en": "Period"},
    "lifecycle.col.start": {"nl": "Begin", "en": "Start"},
    "lifecycle.col.new": {"nl": "Nieuw", "en": "New"},
    "lifecycle.col.reactivated": {"nl": "Terug", "en": "Returned"},
    "lifecycle.col.lost": {"nl": "Verloren", "en": "Lost"},
    "lifecycle.col.end": {"nl": "Eind", "en": "End"},
    "lifecycle.col.churn": {"nl": "Verloop", "en": "Churn"},
    "lifecycle.col.revenue_new": {"nl": "Omzet nieuw", "en": "Revenue new"},
    "lifecycle.col.revenue_lost": {"nl": "Omzet verloren", "en": "Revenue lost"},
    # --- acquisition channels -----------------------------------------------------------------
    "lifecycle.channels": {"nl": "Nieuwe klanten per herkomstkanaal", "en": "New customers by acquisition channel"},
    "lifecycle.channels_intro_master": {
        "nl": "Het herkomstkanaal komt uit het klantenbestand. Per {unit} ziet u hoeveel nieuwe klanten elk kanaal "
              "bracht; de tabel laat zien wat die klanten in hun eerste jaar kochten en hoeveel er in het tweede en "
              "derde jaar opnieuw kochten: welke activiteiten brachten klanten die bleven?",
        "en": "The acquisition channel comes from the customer master. Per {unit} you see how many new customers "
              "each channel brought; the table shows what those customers bought in their first year and how many "
              "bought again in their second and third year: which activities brought customers who stayed?"},
    "lifecycle.channels_intro_first_purchase": {
        "nl": "Er is geen herkomstkanaal in een klantenbestand; het kanaal is daarom het verkoopkanaal van de eerste "
              "aankoop. Per {unit} ziet u hoeveel nieuwe klanten via elk kanaal binnenkwamen, wat ze in hun eerste "
              "jaar kochten en hoeveel er in het tweede en derde jaar opnieuw kochten.",
        "en": "There is no acquisition channel in a customer master, so the channel is the sales channel of the "
              "first purchase. Per {unit} you see how many new customers came in through each channel, what they "
              "bought in their first year and how many bought again in their second and third year."},
    "lifecycle.map_channel": {
        "nl": "Geen kanaal bekend: koppel de herkomst in het klantenbestand (customers.columns.channel) of het "
              "verkoopkanaal van de transacties (transactions.columns.sales_channel) om nieuwe klanten per kanaal "
              "te zien.",
        "en": "No channel known: map the origin in the customer master (customers.columns.channel) or the sales "
              "channel of the transactions (transactions.columns.sales_channel) to see new customers by channel."},
    "lifecycle.no_channel_periods": {
        "nl": "Er is nog geen hele periode met nieuwe klanten om per kanaal te tellen.",
        "en": "There is no whole period with new customers to count by channel yet."},
    "lifecycle.channels_figure": {"nl": "Nieuwe klanten per periode en herkomstkanaal.",
                                  "en": "New customers per period and acquisition channel."},
    "lifecycle.channels_caption": {"nl": "Waarde en behoud van nieuwe klanten per kanaal",
                                   "en": "Value and retention of new customers by channel"},
    "lifecycle.channels_note": {
        "nl": "Omzet 1e jaar = omzet per klant in de twaalf maanden vanaf de eerste aankoop; behoud 1 (2) jr = het "
              "deel van de klanten dat 12-24 (24-36) maanden na de eerste aankoop opnieuw kocht. Alleen perioden "
              "waarvan die maanden al voorbij zijn tellen mee: eerste jaar {first_year}; na 1 jaar {year1}; na 2 "
              "jaar {year2}.",
        "en": "1st-year revenue = revenue per customer in the twelve months from the first purchase; kept 1 (2) "
              "yr(s) = the share of customers who bought again 12-24 (24-36) months after the first purchase. Only "
              "periods whose months have passed count: first year {first_year}; after 1 year {year1}; after 2 "
              "years {year2}."},
    "lifecycle.best_channel": {
        "nl": "Klanten via {channel} blijven het best: {retention} kocht in het tweede jaar opnieuw, met {revenue} "
              "eerstejaarsomzet per klant. Klanten via {worst} haken het vaakst af ({worst_retention} kocht "
              "opnieuw).",
        "en": "Customers from {channel} stay best: {retention} bought again in their second year, with {revenue} "
              "first-year revenue per customer. Customers from {worst} drop out most often ({worst_retention} "
              "bought again)."},
    "lifecycle.biggest_channel": {
        "nl": "De meeste nieuwe klanten komen via {channel}: {n}, {share} van alle nieuwe klanten.",
        "en": "Most new customers come from {channel}: {n}, {share} of all new customers."},
    "lifecycle.richest_channel": {
        "nl": "De hoogste eerstejaarsomzet per klant komt via {channel}: {revenue}.",
        "en": "The highest first-year revenue per customer comes from {channel}: {revenue}."},
    "lifecycle.axis_new": {"nl": "Nieuwe klanten", "en": "New customers"},
    "lifecycle.col.channel": {"nl": "Kanaal", "en": "Channel"},
    "lifecycle.col.new_customers": {"nl": "Nieuw", "en": "New"},
    "lifecycle.col.share": {"nl": "Aandeel", "en": "Share"},
    "lifecycle.col.first_year": {"nl": "Omzet 1e jaar", "en": "1st-year revenue"},
    "lifecycle.col.retention_1y": {"nl": "Behoud 1 jr", "en": "Kept 1 yr"},
    "lifecycle.col.retention_2y": {"nl": "Behoud 2 jr", "en": "Kept 2 yrs"},
    # --- cohorts -----------------------------------------------------------------------------
    "cohort.none": {
        "nl": "Er zijn nog geen cohorten: daarvoor zijn nieuwe klanten nodig waarvan de hele klantgeschiedenis in de "
              "gegevens staat.",
        "en": "There are no cohorts yet: they need new customers whose whole history is in the data."},
    "cohort.intro": {
        "nl": "Een cohort is de groep nieuwe klanten die in hetzelfde {unit} voor het eerst kocht. Hieronder volgen "
              "{n} cohorten met samen {customers} klanten. Elke rij is een cohort, elke kolom het aantal perioden "
              "sinds de eerste aankoop; een cel toont welk deel van het cohort in die periode kocht. Lees een rij "
              "van links naar rechts om te zien hoe snel een cohort afhaakt, en een kolom van boven naar beneden om "
              "te zien of nieuwere cohorten beter blijven dan oudere.",
        "en": "A cohort is the group of new customers who first bought in the same {unit}. Below are {n} cohorts "
              "with {customers} customers together. Each row is a cohort, each column the number of periods since "
              "the first purchase; a cell shows the share of the cohort that bought in that period. Read a row "
              "from left to right to see how fast a cohort drops out, and a column from top to bottom to see "
              "whether newer cohorts stay better than older ones."},
    "cohort.kf_next": {
        "nl": "Gemiddeld koopt {share} van de nieuwe klanten in het {unit} na de eerste aankoop opnieuw.",
        "en": "On average {share} of new customers buy again in the {unit} after their first purchase."},
    "cohort.kf_year": {
        "nl": "Een jaar na de eerste aankoop koopt nog {share} van een cohort in die periode, samen goed voor "
              "{revenue} van de omzet van de eerste periode.",
        "en": "A year after the first purchase {share} of a cohort still buy in that period, together worth "
              "{revenue} of the revenue of the first period."},
    "cohort.kf_best": {
        "nl": "Na een jaar houdt cohort {best} het best stand ({best_share}), cohort {worst} het slechtst "
              "({worst_share}).",
        "en": "After a year cohort {best} holds up best ({best_share}), cohort {worst} worst ({worst_share})."},
    "cohort.customers_heading": {"nl": "Klanten die blijven kopen", "en": "Customers who keep buying"},
    "cohort.customers_figure": {
        "nl": "Deel van elk cohort (%) dat in de periode kocht; periode 0 is die van de eerste aankoop (100%).",
        "en": "Share of each cohort (%) that bought in the period; period 0 is that of the first purchase (100%)."},
    "cohort.revenue_heading": {"nl": "Omzet per cohort", "en": "Revenue per cohort"},
    "cohort.revenue_text": {
        "nl": "De omzet van een cohort in elke periode, als percentage van zijn omzet in de eerste periode. Boven "
              "100% kopen de blijvers samen meer dan het hele cohort in het begin.",
        "en": "A cohort's revenue in each period as a percentage of its revenue in the first period. Above 100% the "
              "customers who stay buy more together than the whole cohort did at first."},
    "cohort.revenue_figure": {
        "nl": "Omzet van elk cohort per periode, in % van de omzet in de periode van de eerste aankoop.",
        "en": "Revenue of each cohort per period, in % of the revenue in the period of the first purchase."},
    "cohort.table_caption": {
        "nl": "Cohorten: omvang, omzet per klant in de eerste periode, en het deel van de klanten en van de omzet "
              "dat er 1 en 2 jaar later nog is",
        "en": "Cohorts: size, revenue per customer in the first period, and the share of customers and of revenue "
              "still there 1 and 2 years later"},
    "cohort.col.cohort": {"nl": "Cohort", "en": "Cohort"},
    "cohort.col.size": {"nl": "Klanten", "en": "Customers"},
    "cohort.col.first_revenue": {"nl": "1e omzet/klant", "en": "1st rev./cust."},
    "cohort.col.customers_1y": {"nl": "Kopers +1 jr", "en": "Buying +1 yr"},
    "cohort.col.customers_2y": {"nl": "Kopers +2 jr", "en": "Buying +2 yrs"},
    "cohort.col.revenue_1y": {"nl": "Omzet +1 jr", "en": "Revenue +1 yr"},
    "cohort.col.revenue_2y": {"nl": "Omzet +2 jr", "en": "Revenue +2 yrs"},
    "cohort.axis_age.year": {"nl": "Jaren sinds de eerste aankoop", "en": "Years since the first purchase"},
    "cohort.axis_age.quarter": {"nl": "Kwartalen sinds de eerste aankoop", "en": "Quarters since the first purchase"},
    "cohort.axis_age.month": {"nl": "Maanden sinds de eerste aankoop", "en": "Months since the first purchase"},
    "cohort.axis_cohort": {"nl": "Cohort (periode van de eerste aankoop)", "en": "Cohort (period of first purchase)"},
    "cohort.legend.customer_retention": {"nl": "Deel van het cohort dat koopt", "en": "Share of the cohort buying"},
    "cohort.legend.revenue_retention": {"nl": "Omzet in % van de eerste periode",
                                        "en": "Revenue in % of the first period"},
}
