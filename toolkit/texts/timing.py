"""Report texts of the purchase-timing chapter (issue 4), in Dutch and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.timing": {"nl": "Koopmomenten", "en": "Purchase timing"},
    "warn.timing_short_history": {
        "nl": "De gegevens beslaan minder dan een jaar: niet elke maand komt even vaak voor, dus het seizoenspatroon "
              "is voorlopig.",
        "en": "The data cover less than a year: not every month occurs equally often, so the seasonal pattern is "
              "provisional."},
    "timing.weekday.0": {"nl": "maandag", "en": "Monday"},
    "timing.weekday.1": {"nl": "dinsdag", "en": "Tuesday"},
    "timing.weekday.2": {"nl": "woensdag", "en": "Wednesday"},
    "timing.weekday.3": {"nl": "donderdag", "en": "Thursday"},
    "timing.weekday.4": {"nl": "vrijdag", "en": "Friday"},
    "timing.weekday.5": {"nl": "zaterdag", "en": "Saturday"},
    "timing.weekday.6": {"nl": "zondag", "en": "Sunday"},
    "timing.no_data": {"nl": "Er zijn geen aankopen om een seizoenspatroon uit af te leiden.",
                       "en": "There are no purchases to derive a seasonal pattern from."},
    # --- seasonality -------------------------------------------------------------------------
    "timing.season": {"nl": "Seizoen en dag van de week", "en": "Season and day of the week"},
    "timing.season_intro": {
        "nl": "Het seizoenspatroon komt uit {years} hele jaren aan gegevens ({start} tot en met {end}), zodat elke "
              "maand even vaak meetelt. Een index van 1,0× is een gemiddelde maand (of dag); 1,5× is de helft meer.",
        "en": "The seasonal pattern comes from {years} whole years of data ({start} to {end}), so every month counts "
              "equally often. An index of 1.0× is an average month (or day); 1.5× is half as much again."},
    "timing.season_intro_short": {
        "nl": "Het seizoenspatroon komt uit alle gegevens. Een index van 1,0× is een gemiddelde maand (of dag).",
        "en": "The seasonal pattern comes from all the data. An index of 1.0× is an average month (or day)."},
    "timing.kf_months": {
        "nl": "De drukste maanden zijn {first} ({first_index} de gemiddelde omzet) en {second}; de rustigste is "
              "{low} ({low_index}). De drie sterkste maanden brengen samen {share} van de jaaromzet.",
        "en": "The busiest months are {first} ({first_index} the average revenue) and {second}; the quietest is "
              "{low} ({low_index}). The three strongest months bring {share} of the year's revenue together."},
    "timing.kf_weekday": {
        "nl": "De sterkste dag van de week is {day} ({index} de omzet van een gemiddelde dag), de zwakste {low} "
              "({low_index}).",
        "en": "The strongest day of the week is {day} ({index} the revenue of an average day), the weakest {low} "
              "({low_index})."},
    "timing.month_figure": {
        "nl": "Omzet (staven) en orders (ruiten) per kalendermaand, ten opzichte van een gemiddelde maand.",
        "en": "Revenue (bars) and orders (diamonds) per calendar month, against an average month."},
    "timing.weekday_figure": {
        "nl": "Omzet (staven) en orders (ruiten) per dag van de week, per keer dat die dag voorkomt, ten opzichte "
              "van een gemiddelde dag.",
        "en": "Revenue (bars) and orders (diamonds) per day of the week, per occurrence of that day, against an "
              "average day."},
    "timing.legend_revenue": {"nl": "Omzet", "en": "Revenue"},
    "timing.legend_orders": {"nl": "Orders", "en": "Orders"},
    "timing.average": {"nl": "gemiddeld", "en": "average"},
    "timing.axis_index": {"nl": "Index (1 = gemiddeld)", "en": "Index (1 = average)"},
    # --- best moment -------------------------------------------------------------------------
    "timing.best": {"nl": "Het beste moment per klantgroep", "en": "The best moment per customer group"},
    "timing.best_intro": {
        "nl": "Wanneer kopen de klanten van elke laag van de piramide? De tabel toont per laag de maand en de dag "
              "van de week met de meeste orders, met hun index ten opzichte van het gemiddelde van die laag. Een "
              "campagne werkt het best kort vóór de piekmaand; een belronde of bezoek op de piekdag.",
        "en": "When do the customers of each layer of the pyramid buy? The table shows per layer the month and day "
              "of the week with the most orders, with their index against that layer's average. A campaign works "
              "best shortly before the peak month; a call round or visit on the peak day."},
    "timing.best_caption": {"nl": "Piekmaand en piekdag per laag", "en": "Peak month and peak day per layer"},
    "timing.best_same": {
        "nl": "Alle lagen kopen het meest in {month} en op {day}: het seizoen geldt voor iedereen, dus de planning "
              "kan voor alle lagen gelijk zijn.",
        "en": "All layers buy most in {month} and on {day}: the season holds for everyone, so one schedule fits "
              "all layers."},
    "timing.best_differ": {
        "nl": "De piek verschilt per laag: plan de contactmomenten per laag volgens de tabel.",
        "en": "The peak differs per layer: plan the contact moments per layer as in the table."},
    "timing.col.layer": {"nl": "Laag", "en": "Layer"},
    "timing.col.customers": {"nl": "Klanten", "en": "Customers"},
    "timing.col.orders": {"nl": "Orders", "en": "Orders"},
    "timing.col.peak_month": {"nl": "Piekmaand", "en": "Peak month"},
    "timing.col.peak_weekday": {"nl": "Piekdag", "en": "Peak day"},
    # --- intervals ---------------------------------------------------------------------------
    "timing.intervals": {"nl": "Tijd tussen aankopen", "en": "Time between purchases"},
    "timing.intervals_intro": {
        "nl": "Van {n} klanten met minstens twee aankoopdagen is bekend hoe lang ze gewoonlijk tussen twee aankopen "
              "wachten (de mediaan van hun eigen tussentijden). De helft van hen koopt minstens eens per {median} "
              "dagen; {quarter} koopt gewoonlijk binnen drie maanden opnieuw. {single} klanten kochten tot nu toe op "
              "één dag.",
        "en": "For {n} customers with at least two purchase days we know how long they usually wait between two "
              "purchases (the median of their own intervals). Half of them buy at least once every {median} days; "
              "{quarter} usually buy again within three months. {single} customers have bought on one day so far."},
    "timing.intervals_figure": {
        "nl": "Klanten naar hun gebruikelijke tijd tussen twee aankopen (aantal klanten boven de staven).",
        "en": "Customers by their usual time between two purchases (number of customers above the bars)."},
    "timing.no_intervals": {
        "nl": "Geen klant kocht op meer dan één dag: er zijn geen tussentijden.",
        "en": "No customer bought on more than one day: there are no intervals."},
    "timing.weeks": {"nl": "{n} wk", "en": "{n} wk"},
    "timing.months": {"nl": "{n} mnd", "en": "{n} mo"},
    "timing.under": {"nl": "< {x}", "en": "< {x}"},
    "timing.over": {"nl": "> {x}", "en": "> {x}"},
    "timing.axis_customers": {"nl": "Klanten", "en": "Customers"},
    "timing.axis_interval": {"nl": "Gebruikelijke tijd tussen aankopen", "en": "Usual time between purchases"},
    # --- overdue -----------------------------------------------------------------------------
    "timing.overdue": {"nl": "Klanten die over tijd zijn", "en": "Customers who are overdue"},
    "timing.overdue_intro": {
        "nl": "Een klant is over tijd als hij al {factor} keer zijn eigen gebruikelijke tussentijd niets kocht; dat "
              "beoordelen we vanaf {n} aankoopdagen. Over tijd en nog actief (binnen {gap} maanden na de laatste "
              "aankoop) zijn de klanten die u nu nog kunt terughalen, vóór ze als verloren tellen.",
        "en": "A customer is overdue after going {factor} times their own usual interval without a purchase; we "
              "judge this from {n} purchase days on. Overdue and still active (within {gap} months of the last "
              "purchase) are the customers you can still win back now, before they count as lost."},
    "timing.overdue_caption": {"nl": "Klanten over tijd per laag", "en": "Overdue customers per layer"},
    "timing.kf_overdue": {
        "nl": "{active} klanten zijn over tijd maar nog actief; zij kochten deze periode samen voor {revenue}. In "
              "customers.csv staan ze met overdue = true, met de datum waarop hun volgende aankoop verwacht werd.",
        "en": "{active} customers are overdue but still active; they bought {revenue} worth together in this "
              "period. In customers.csv they have overdue = true, with the date their next purchase was due."},
    "timing.col.judged": {"nl": "Beoordeeld", "en": "Judged"},
    "timing.col.overdue": {"nl": "Over tijd", "en": "Overdue"},
    "timing.col.overdue_share": {"nl": "%", "en": "%"},
    "timing.col.overdue_active": {"nl": "Nog actief", "en": "Still active"},
    "timing.col.overdue_revenue": {"nl": "Hun omzet", "en": "Their revenue"},
}
