"""Report texts of the personas chapter (profiles per segment and persona cards)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.personas": {"nl": "Wie de klanten zijn", "en": "Who the customers are"},
    "persona.intro": {
        "nl": "Per segment een profiel van de klanten: hoe groot, hoeveel omzet, hoe ze kopen en wat ze kenmerkt. "
              "Elk getal staat naast een index ten opzichte van het hele klantenbestand (100 = gemiddeld, 142 = "
              "1,42 keer zo veel). Een kenmerk is typerend vanaf index {index}, als minstens {share} van het segment "
              "het heeft. De persona's beschrijven alleen wat de gegevens laten zien.",
        "en": "Per segment a profile of the customers: how many, how much revenue, how they buy and what sets them "
              "apart. Every figure comes with an index against the whole customer base (100 = average, 142 = 1.42 "
              "times as much). A trait is typical from index {index}, when at least {share} of the segment has it. "
              "The personas describe only what the data shows."},
    "persona.missing": {
        "nl": "Koppel ook {keys} in de params voor meer kenmerken (leeftijd, geslacht, klanttype, herkomst, "
              "productgroepen of online kopen).",
        "en": "Also map {keys} in the params for more traits (age, gender, customer type, acquisition channel, "
              "product groups or buying online)."},
    "persona.profiles": {"nl": "Profiel per segment", "en": "Profile per segment"},
    "persona.profile_caption": {
        "nl": "Profiel per {segment}: omzet per koper en per order, orders per jaar per koper, jaren klant en het "
              "online gekochte deel van de omzet; kleine getallen zijn de index (100 = het hele bestand)",
        "en": "Profile per {segment}: revenue per buyer and per order, orders per year per buyer, years as a "
              "customer and the share of revenue bought online; small figures are the index (100 = the whole "
              "base)"},
    "persona.segment.pyramid_layer": {"nl": "laag van de piramide", "en": "layer of the pyramid"},
    "persona.col.segment": {"nl": "Segment", "en": "Segment"},
    "persona.col.customers": {"nl": "Klanten", "en": "Customers"},
    "persona.col.customer_share": {"nl": "% klanten", "en": "% customers"},
    "persona.col.revenue_share": {"nl": "% omzet", "en": "% revenue"},
    "persona.col.revenue_per_buyer": {"nl": "Per koper", "en": "Per buyer"},
    "persona.col.aov": {"nl": "Per order", "en": "Per order"},
    "persona.col.orders_per_year": {"nl": "Orders/jaar", "en": "Orders/year"},
    "persona.col.tenure": {"nl": "Jaren klant", "en": "Years"},
    "persona.col.online": {"nl": "Online", "en": "Online"},
    "persona.col.age": {"nl": "Leeftijd", "en": "Age"},
    "persona.cards": {"nl": "Persona's", "en": "Personas"},
    "persona.cards_intro": {
        "nl": "Een kaart per segment met de kerncijfers, de kenmerken die het segment onderscheiden en de "
              "productgroepen die het koopt (balk: het segment; streepje: het hele bestand).",
        "en": "One card per segment with its key figures, the traits that set it apart and the product groups it "
              "buys (bar: the segment; tick: the whole base)."},
    "persona.size": {"nl": "{n} klanten · {cshare} van alle klanten · {rshare} van de omzet",
                     "en": "{n} customers · {cshare} of all customers · {rshare} of revenue"},
    "persona.fig.revenue_per_buyer": {"nl": "Omzet per koper", "en": "Revenue per buyer"},
    "persona.fig.aov": {"nl": "Gemiddelde orderwaarde", "en": "Average order value"},
    "persona.fig.orders_per_year": {"nl": "Orders per jaar", "en": "Orders per year"},
    "persona.fig.tenure_years": {"nl": "Klant sinds (jaren)", "en": "Customer for (years)"},
    "persona.fig.online_share": {"nl": "Online gekocht", "en": "Bought online"},
    "persona.fig.age_mean": {"nl": "Gemiddelde leeftijd", "en": "Average age"},
    "persona.traits_title": {"nl": "Wat opvalt", "en": "What stands out"},
    "persona.no_traits": {"nl": "Geen kenmerk wijkt duidelijk af van het hele klantenbestand.",
                          "en": "No trait clearly differs from the whole customer base."},
    "persona.trait": {"nl": "{dimension} {value}: {share} (index {index})",
                      "en": "{dimension} {value}: {share} (index {index})"},
    "persona.chart_title": {"nl": "Koopt (% van het segment)", "en": "Buys (% of the segment)"},
    "persona.chart_age": {"nl": "Leeftijd (% van het segment)", "en": "Age (% of the segment)"},
    "persona.narrative": {"nl": "Toelichting", "en": "Note"},
    "persona.too_small": {
        "nl": "Geen kaart voor {names}: te weinig klanten (minder dan {n}) voor een betrouwbaar profiel.",
        "en": "No card for {names}: too few customers (fewer than {n}) for a reliable profile."},
    "persona.traits": {"nl": "Kenmerken per segment", "en": "Traits per segment"},
    "persona.traits_caption": {
        "nl": "Kenmerken per {segment} ({dimensions}): % van het segment met een bekende waarde, met daaronder de "
              "index (100 = het hele bestand)",
        "en": "Traits per {segment} ({dimensions}): % of the segment with a known value, with the index below it "
              "(100 = the whole base)"},
    "persona.col.trait": {"nl": "Kenmerk", "en": "Trait"},
    "persona.col.all": {"nl": "Alle", "en": "All"},
    "persona.dim.age_band": {"nl": "Leeftijd", "en": "Age"},
    "persona.dim.gender": {"nl": "Geslacht", "en": "Gender"},
    "persona.dim.customer_type": {"nl": "Klanttype", "en": "Customer type"},
    "persona.dim.channel": {"nl": "Herkomst", "en": "Acquired through"},
    "persona.dim.region": {"nl": "Regio", "en": "Region"},
    "persona.dim.buying_channel": {"nl": "Koopt", "en": "Buys"},
    "persona.dim.product_group": {"nl": "Koopt", "en": "Buys"},
    "persona.gender.male": {"nl": "man", "en": "male"},
    "persona.gender.female": {"nl": "vrouw", "en": "female"},
    "persona.gender.other": {"nl": "anders", "en": "other"},
    "persona.buying.online": {"nl": "alleen online", "en": "online only"},
    "persona.buying.offline": {"nl": "alleen offline", "en": "offline only"},
    "persona.buying.both": {"nl": "online en offline", "en": "online and offline"},
    "persona.age_value": {"nl": "{band} jaar", "en": "{band} years"},
    "persona.years": {"nl": "{n} jaar", "en": "{n} years"},
    "warn.personas_birth_dates_implausible": {
        "nl": "{n} {n|geboortedatum|geboortedata} in kolom '{column}' {n|geeft|geven} een onmogelijke leeftijd "
              "(onder 0 of boven 110 jaar); die klanten hebben geen leeftijdsklasse.",
        "en": "{n} {n|birth date|birth dates} in column '{column}' {n|gives|give} an impossible age (below 0 or "
              "above 110 years); those customers have no age band."},
}
