"""Report texts of the products chapter (product mix, blueprint, white space)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.products": {"nl": "Wat de klanten kopen", "en": "What the customers buy"},
    "products.unavailable": {
        "nl": "Voor dit hoofdstuk is de productgroep per transactieregel nodig: koppel "
              "transactions.columns.product_group in de params.",
        "en": "This chapter needs the product group of each transaction line: map "
              "transactions.columns.product_group in the params."},
    "products.intro": {
        "nl": "Welke productgroepen kopen de klanten, hoe verschilt dat per laag van de piramide, en waar liggen "
              "kansen voor verkoop van meer productgroepen aan dezelfde klant? Alle cijfers gaan over de "
              "analyseperiode; een klant koopt een groep als de netto-omzet in die groep positief is.",
        "en": "Which product groups do customers buy, how does that differ per layer of the pyramid, and where is "
              "there room to sell more groups to the same customer? All figures cover the analysis period; a "
              "customer buys a group when its net revenue in that group is positive."},
    "products.groups": {"nl": "Productgroepen", "en": "Product groups"},
    "products.groups_caption": {"nl": "Omzet, marge en kopers per productgroep",
                                "en": "Revenue, margin and buyers per product group"},
    "products.col.group": {"nl": "Productgroep", "en": "Product group"},
    "products.col.revenue": {"nl": "Omzet", "en": "Revenue"},
    "products.col.revenue_share": {"nl": "% omzet", "en": "% revenue"},
    "products.col.margin_rate": {"nl": "Marge %", "en": "Margin %"},
    "products.col.buyers": {"nl": "Kopers", "en": "Buyers"},
    "products.col.buyer_share": {"nl": "% kopers", "en": "% buyers"},
    "products.col.per_buyer": {"nl": "Omzet per koper", "en": "Revenue per buyer"},
    "products.via": {"nl": "kandidaten kopen {groups}", "en": "candidates buy {groups}"},
    "products.no_related": {"nl": "geen verwante groep", "en": "no related group"},
    "products.col.candidates": {"nl": "Kandidaten", "en": "Candidates"},
    "products.col.avg_revenue": {"nl": "Omzet per koper", "en": "Revenue per buyer"},
    "products.col.opportunity": {"nl": "Kans (omzet)", "en": "Opportunity"},
    "products.col.index": {"nl": "Index", "en": "Index"},
    "products.col.customer": {"nl": "Klant", "en": "Customer"},
    "products.col.segment": {"nl": "Laag", "en": "Layer"},
    "products.col.region": {"nl": "Regio", "en": "Region"},
    "products.col.buys": {"nl": "Koopt (gerelateerd)", "en": "Buys (related)"},
    "products.col.expected": {"nl": "Verwacht", "en": "Expected"},
    "products.mix": {"nl": "Productmix per laag", "en": "Product mix per layer"},
    "products.mix_text": {
        "nl": "Links het aandeel van de kopende klanten in elke laag dat de productgroep koopt, rechts het aandeel "
              "van de groep in de omzet van die laag (beide in %). Het grootste verschil tussen de bovenste en de "
              "onderste laag zit in {group}: {top} tegen {bottom} van de klanten.",
        "en": "Left the share of buying customers in each layer that buys the product group, right the group's "
              "share of that layer's revenue (both in %). The largest difference between the top and the bottom "
              "layer is in {group}: {top} against {bottom} of customers."},
    "products.mix_caption": {"nl": "Productmix per laag van de piramide (%)",
                             "en": "Product mix per layer of the pyramid (%)"},
    "products.heat_buyers": {"nl": "% klanten dat de groep koopt", "en": "% of customers buying the group"},
    "products.heat_revenue": {"nl": "% van de omzet van de laag", "en": "% of the layer's revenue"},
    "products.blueprint": {"nl": "Blauwdruk van de toplagen", "en": "Blueprint of the top layers"},
    "products.blueprint_text": {
        "nl": "De blauwdruk is het assortiment dat (bijna) alle klanten in de toplagen ({layers}, {n} klanten) "
              "kopen: de productgroepen die minstens {threshold} van hen koopt. Dat zijn {groups}. Een klant in een "
              "lagere laag die deze groepen nog niet koopt, is een kandidaat om door te groeien.",
        "en": "The blueprint is the assortment (nearly) all customers in the top layers ({layers}, {n} customers) "
              "buy: the product groups at least {threshold} of them buy. These are {groups}. A customer in a lower "
              "layer who does not buy these groups yet is a candidate to grow."},
    "products.blueprint_none": {
        "nl": "Geen productgroep wordt door {threshold} of meer van de klanten in de toplagen ({layers}, {n} "
              "klanten) gekocht; het meest gekocht worden {groups}.",
        "en": "No product group is bought by {threshold} or more of the customers in the top layers ({layers}, "
              "{n} customers); the most bought are {groups}."},
    "products.blueprint_caption": {
        "nl": "Aandeel klanten dat de productgroep koopt: toplagen (punt) tegen de overige kopers (ring).",
        "en": "Share of customers buying the product group: top layers (dot) against the other buyers (ring)."},
    "products.blueprint_line": {"nl": "blauwdruk: {threshold}%", "en": "blueprint: {threshold}%"},
    "products.axis_share_buying": {"nl": "% klanten dat de groep koopt", "en": "% of customers buying the group"},
    "products.legend_top": {"nl": "Toplagen", "en": "Top layers"},
    "products.legend_others": {"nl": "Overige kopers", "en": "Other buyers"},
    "products.white_space": {"nl": "Witte ruimte: koopt X, maar niet Y", "en": "White space: buys X, not Y"},
    "products.white_space_text": {
        "nl": "Per productgroep Y zijn de kandidaten de klanten die een verwante groep X kopen maar Y niet. Verwant "
              "zijn de (hoogstens {max_related}) groepen waarvan de kopers Y duidelijk vaker kopen dan gemiddeld "
              "(lift boven {lift}). Kandidaten zijn gerangschikt op hoe sterk ze lijken op de kopers van Y: het "
              "gemiddelde van hoe vaak Y gekocht wordt in hun laag, hun regio, hun bestedingsklasse en bij de "
              "groepen die ze al kopen (index 100 = een gemiddelde klant). De kans is het aantal kandidaten maal "
              "de gemiddelde omzet in Y van vergelijkbare kopers (dezelfde laag).",
        "en": "For each product group Y, the candidates are the customers who buy a related group X but not Y. "
              "Related are the (at most {max_related}) groups whose buyers buy Y clearly more often than average "
              "(lift above {lift}). Candidates are ranked by how closely they resemble Y's buyers: the average of "
              "how often Y is bought in their layer, their region, their spending class and alongside the groups "
              "they already buy (index 100 = an average customer). The opportunity is the number of candidates "
              "times the average revenue in Y of similar buyers (the same layer)."},
    "products.white_space_total": {
        "nl": "Samen gaat het om {money} aan mogelijke extra omzet; de grootste kans is {group} met {n} "
              "kandidaten.",
        "en": "Together this is {money} of possible extra revenue; the largest opportunity is {group} with {n} "
              "candidates."},
    "products.white_space_caption": {"nl": "Witte ruimte per productgroep", "en": "White space per product group"},
    "products.white_space_figure": {
        "nl": "Kans per productgroep (omzet als alle kandidaten kopen zoals vergelijkbare kopers).",
        "en": "Opportunity per product group (revenue if every candidate bought like similar buyers)."},
    "products.axis_opportunity": {"nl": "Kans (× € 1.000)", "en": "Opportunity (× €1,000)"},
    "products.bar_label": {"nl": "{money} · {n} kandidaten", "en": "{money} · {n} candidates"},
    "products.top_candidates_caption": {"nl": "De {n} beste kandidaten voor {group}",
                                        "en": "The {n} best candidates for {group}"},
    "products.lists_note": {
        "nl": "De kandidatenlijsten per productgroep (de beste {n} per groep) staan bij het rapport als "
              "whitespace_<productgroep>.csv, met klantnummer, laag, regio, omzet, index en verwachte omzet; de "
              "kolom next_best_group in customers.csv geeft per klant de groep waar die het hoogst scoort.",
        "en": "The candidate lists per product group (the best {n} per group) come with the report as "
              "whitespace_<product group>.csv, with customer id, layer, region, revenue, index and expected "
              "revenue; the column next_best_group in customers.csv gives each customer's best-scoring group."},
    "products.no_white_space": {"nl": "Er zijn geen kandidaten: geen productgroep hangt duidelijk samen met een "
                                      "andere.",
                                "en": "There are no candidates: no product group is clearly related to another."},
    "warn.products_group_missing": {
        "nl": "{rows} {rows|regel heeft|regels hebben} geen productgroep in kolom '{column}' (samen {amount}); ze "
              "tellen mee in de omzet maar niet in de productmix.",
        "en": "{rows} {rows|line has|lines have} no product group in column '{column}' ({amount} in total); they "
              "count in revenue but not in the product mix."},
}
