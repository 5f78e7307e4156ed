"""Report texts of the geo chapter (where the customers are, penetration, white spots, catchment)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.geo": {"nl": "Waar de klanten zitten", "en": "Where the customers are"},
    "geo.unavailable": {
        "nl": "Voor dit hoofdstuk is de postcode van de klanten nodig: koppel customers.columns.postcode in de "
              "params (en voor kaarten en penetratie geo.boundaries met huishoudens per gebied).",
        "en": "This chapter needs the customers' postcodes: map customers.columns.postcode in the params (and, for "
              "maps and penetration, geo.boundaries with households per region)."},
    "geo.intro": {
        "nl": "Waar wonen de klanten, en waar is nog ruimte om te groeien? Postcodes zijn herleid tot "
              "postcodegebieden ({level}). De penetratie is het aantal kopende klanten per 1.000 huishoudens in "
              "een gebied; de index zet die af tegen het gemiddelde van alle gebieden (100).",
        "en": "Where do the customers live, and where is there room to grow? Postcodes are reduced to postcode "
              "areas ({level}). Penetration is the number of buying customers per 1,000 households in a region; the "
              "index compares it with the average of all regions (100)."},
    "geo.level.pc4": {"nl": "vier cijfers, PC4", "en": "four digits, PC4"},
    "geo.level.pc3": {"nl": "drie cijfers, PC3", "en": "three digits, PC3"},
    "geo.level.pc2": {"nl": "twee cijfers, PC2", "en": "two digits, PC2"},
    "geo.level.region": {"nl": "regio's uit de opzoektabel", "en": "regions from the lookup table"},
    # --- postcodes ------------------------------------------------------------------------------
    "geo.postcodes": {"nl": "Postcodes", "en": "Postcodes"},
    "geo.postcodes_text": {
        "nl": "Van de {n} klanten in het klantenbestand hebben er {ok} ({share}) een geldige Nederlandse postcode. "
              "Klanten zonder bruikbare postcode tellen mee in alle andere hoofdstukken, maar niet op de kaart.",
        "en": "Of the {n} customers in the customer master, {ok} ({share}) have a valid Dutch postcode. Customers "
              "without a usable postcode count in every other chapter, but not on the map."},
    "geo.postcodes_caption": {"nl": "Postcodes in het klantenbestand", "en": "Postcodes in the customer master"},
    "geo.status.ok": {"nl": "Geldige Nederlandse postcode", "en": "Valid Dutch postcode"},
    "geo.status.foreign": {"nl": "Buitenlandse postcode", "en": "Foreign postcode"},
    "geo.status.invalid": {"nl": "Ongeldige postcode", "en": "Invalid postcode"},
    "geo.status.missing": {"nl": "Geen postcode", "en": "No postcode"},
    "geo.status.outside": {"nl": "waarvan niet in het grenzenbestand", "en": "of which not in the boundary file"},
    "geo.col.status": {"nl": "Postcode", "en": "Postcode"},
    "geo.col.examples": {"nl": "Meest voorkomende waarden", "en": "Most frequent values"},
    "geo.col.share": {"nl": "Aandeel", "en": "Share"},
    "geo.no_regions": {
        "nl": "Koppel geo.boundaries (gebiedsgrenzen met huishoudens, bijvoorbeeld de PC4-gebieden van het CBS) of "
              "geo.households om de marktpenetratie en de kaarten te krijgen.",
        "en": "Map geo.boundaries (region boundaries with households, e.g. Statistics Netherlands' PC4 areas) or "
              "geo.households to get the market penetration and the maps."},
    "geo.areas_caption": {"nl": "Klanten per postcodegebied (PC2), de {n} grootste",
                          "en": "Customers per postcode area (PC2), the {n} largest"},
    "geo.col.area": {"nl": "Gebied", "en": "Area"},
    # --- penetration ----------------------------------------------------------------------------
    "geo.penetration": {"nl": "Marktpenetratie", "en": "Market penetration"},
    "geo.penetration_text": {
        "nl": "Over alle {regions} gebieden met huishoudens samen is de penetratie {overall} kopende klanten per "
              "1.000 huishoudens. Per gebied loopt die uiteen van {low} tot {high} (10e en 90e percentiel); het "
              "hoogst is {best} met {best_value} (index {best_index}).",
        "en": "Over all {regions} regions with households together, penetration is {overall} buying customers per "
              "1,000 households. Per region it ranges from {low} to {high} (10th and 90th percentile); the highest "
              "is {best} with {best_value} (index {best_index})."},
    "geo.no_households": {
        "nl": "De gebieden hebben geen aantallen huishoudens: koppel geo.boundaries.households_column of "
              "geo.households om de penetratie te berekenen. De kaart toont nu het aantal kopende klanten.",
        "en": "The regions have no household counts: map geo.boundaries.households_column or geo.households to "
              "compute penetration. The map now shows the number of buying customers."},
    "geo.map_penetration_caption": {
        "nl": "Kopende klanten per 1.000 huishoudens per gebied (klassen volgens natuurlijke breuken); sterren zijn "
              "de vestigingen.",
        "en": "Buying customers per 1,000 households per region (classes by natural breaks); stars are the "
              "outlets."},
    "geo.map_customers_caption": {"nl": "Kopende klanten per gebied.", "en": "Buying customers per region."},
    "geo.map_detail_caption": {
        "nl": "Penetratie rond de vestigingen (tot {radius} km), met de code van elk gebied waar die past.",
        "en": "Penetration around the outlets (up to {radius} km), with each region's code where it fits."},
    "geo.map_revenue_caption": {
        "nl": "Omzet per huishouden in de analyseperiode rond de vestigingen (tot {radius} km).",
        "en": "Revenue per household in the analysis period around the outlets (up to {radius} km)."},
    "geo.map_revenue_all_caption": {"nl": "Omzet per huishouden per gebied in de analyseperiode.",
                                    "en": "Revenue per household per region in the analysis period."},
    "geo.legend_penetration": {"nl": "Kopers per 1.000 huishoudens", "en": "Buyers per 1,000 households"},
    "geo.legend_customers": {"nl": "Kopende klanten", "en": "Buying customers"},
    "geo.legend_revenue": {"nl": "Omzet per huishouden", "en": "Revenue per household"},
    "geo.map_no_data": {"nl": "Geen huishoudens bekend", "en": "No households known"},
    "geo.map_outlet": {"nl": "Vestiging", "en": "Outlet"},
    "geo.map_one_class": {"nl": "Alle gebieden gelijk", "en": "All regions equal"},
    "geo.regions_caption": {"nl": "De {n} gebieden met de meeste kopende klanten",
                            "en": "The {n} regions with the most buying customers"},
    "geo.col.region": {"nl": "Gebied", "en": "Region"},
    "geo.col.households": {"nl": "Huishoudens", "en": "Households"},
    "geo.col.buyers": {"nl": "Kopers", "en": "Buyers"},
    "geo.col.customers": {"nl": "Klanten", "en": "Customers"},
    "geo.col.penetration": {"nl": "Per 1.000 hh", "en": "Per 1,000 hh"},
    "geo.col.index": {"nl": "Index", "en": "Index"},
    "geo.col.revenue": {"nl": "Omzet", "en": "Revenue"},
    "geo.col.revenue_hh": {"nl": "Omzet per hh", "en": "Revenue per hh"},
    "geo.col.top_share": {"nl": "% top", "en": "% top"},
    "geo.col.distance": {"nl": "Afstand", "en": "Distance"},
    "geo.col.potential": {"nl": "Extra klanten", "en": "Extra customers"},
    "geo.col.potential_revenue": {"nl": "Extra omzet", "en": "Extra revenue"},
    "geo.km": {"nl": "{km} km", "en": "{km} km"},
    # --- white spots ----------------------------------------------------------------------------
    "geo.white_spots": {"nl": "Witte vlekken", "en": "White spots"},
    "geo.white_spots_text": {
        "nl": "Een witte vlek is een gebied met veel huishoudens en een lage penetratie. Het marktpotentieel is "
              "huishoudens × (doelpenetratie − huidige penetratie); de doelpenetratie is {target} kopers per 1.000 "
              "huishoudens ({source}). Tegen de gemiddelde omzet van {avg} per kopende klant zijn de {n} grootste "
              "witte vlekken samen goed voor {customers} extra klanten en {revenue} extra omzet.",
        "en": "A white spot is a region with many households and low penetration. Market potential is households "
              "× (target penetration − current penetration); the target is {target} buyers per 1,000 households "
              "({source}). At the average revenue of {avg} per buying customer, the {n} largest white spots together "
              "hold {customers} extra customers and {revenue} extra revenue."},
    "geo.target_default": {"nl": "het 75e percentiel van de gebieden", "en": "the 75th percentile of the regions"},
    "geo.target_given": {"nl": "opgegeven in de params", "en": "set in the params"},
    "geo.white_spots_caption": {"nl": "De {n} grootste witte vlekken", "en": "The {n} largest white spots"},
    "geo.no_white_spots": {"nl": "Geen enkel gebied blijft onder de doelpenetratie.",
                           "en": "No region stays below the target penetration."},
    # --- catchment ------------------------------------------------------------------------------
    "geo.catchment": {"nl": "Verzorgingsgebied", "en": "Catchment area"},
    "geo.catchment_text": {
        "nl": "De afstand is hemelsbreed gemeten van het midden van elk gebied tot de dichtstbijzijnde vestiging. "
              "{share} van de kopende klanten woont binnen {near} km. De penetratie is {first} per 1.000 "
              "huishoudens in de eerste band en {last} in de verste band met huishoudens.",
        "en": "Distance is measured in a straight line from the middle of each region to the nearest outlet. "
              "{share} of buying customers live within {near} km. Penetration is {first} per 1,000 households in "
              "the first band and {last} in the farthest band with households."},
    "geo.no_outlets": {
        "nl": "Koppel geo.outlets (vestigingen met postcode of coördinaten) en geo.boundaries om te zien hoe ver "
              "klanten reizen.",
        "en": "Map geo.outlets (outlets with postcode or coordinates) and geo.boundaries to see how far customers "
              "travel."},
    "geo.bands_caption": {"nl": "Klanten en penetratie naar afstand tot de dichtstbijzijnde vestiging",
                          "en": "Customers and penetration by distance to the nearest outlet"},
    "geo.bands_figure_caption": {
        "nl": "Penetratie per afstandsband (staven) en het cumulatieve aandeel kopende klanten (lijn).",
        "en": "Penetration per distance band (bars) and the cumulative share of buying customers (line)."},
    "geo.col.band": {"nl": "Afstand", "en": "Distance"},
    "geo.col.regions": {"nl": "Gebieden", "en": "Regions"},
    "geo.col.customer_share": {"nl": "% kopers", "en": "% buyers"},
    "geo.col.cumulative": {"nl": "Cumulatief", "en": "Cumulative"},
    "geo.axis_penetration": {"nl": "Kopers per 1.000 huishoudens", "en": "Buyers per 1,000 households"},
    "geo.axis_distance": {"nl": "Afstand tot de dichtstbijzijnde vestiging",
                          "en": "Distance to the nearest outlet"},
    "geo.axis_cumulative": {"nl": "Cumulatief % kopers", "en": "Cumulative % of buyers"},
    # --- notes (data-quality chapter and this chapter) -------------------------------------------
    "warn.geo_postcodes_invalid": {
        "nl": "{n} klanten in het klantenbestand hebben een ongeldige postcode in kolom '{column}' (bijvoorbeeld "
              "beginnend met 0, vijf cijfers of tekst); ze staan niet op de kaart.",
        "en": "{n} customers in the customer master have an invalid postcode in column '{column}' (e.g. starting "
              "with 0, five digits, or text); they are not on the map."},
    "warn.geo_postcodes_missing": {
        "nl": "{n} klanten in het klantenbestand hebben geen postcode (kolom '{column}'); ze staan niet op de kaart.",
        "en": "{n} customers in the customer master have no postcode (column '{column}'); they are not on the "
              "map."},
    "warn.geo_postcodes_foreign": {
        "nl": "{n} klanten hebben een buitenlandse postcode (kolom '{column}'); ze krijgen alleen een regio via "
              "geo.lookup.",
        "en": "{n} customers have a foreign postcode (column '{column}'); they only get a region through "
              "geo.lookup."},
    "warn.geo_lookup_ambiguous": {
        "nl": "{n} postcodes in de opzoektabel horen bij meer dan één regio; gebruikt is de regio met de meeste "
              "regels.",
        "en": "{n} postcodes in the lookup table belong to more than one region; the region with the most rows "
              "is used."},
    "warn.geo_rows_excluded": {
        "nl": "{file}: {rows} rijen zonder waarde in een verplichte kolom zijn niet gebruikt.",
        "en": "{file}: {rows} rows without a value in a required column are not used."},
    "warn.geo_regions_unusable": {
        "nl": "{file}: {n} gebieden zonder sleutel of zonder vlak zijn niet gebruikt.",
        "en": "{file}: {n} regions without a key or without a polygon are not used."},
    "warn.geo_duplicate_regions": {
        "nl": "{file}: {n} rijen herhalen de sleutel van een ander gebied; ze zijn samengevoegd (vlakken verenigd, "
              "huishoudens opgeteld).",
        "en": "{file}: {n} rows repeat the key of another region; they are merged (polygons united, households "
              "added up)."},
    "warn.geo_households_unmatched": {
        "nl": "{n} gebieden uit het huishoudensbestand staan niet in het grenzenbestand; hun huishoudens zijn niet "
              "gebruikt.",
        "en": "{n} regions of the households file are not in the boundary file; their households are not used."},
    "warn.geo_regions_without_households": {
        "nl": "{n} gebieden hebben geen (bekend) aantal huishoudens; ze hebben geen penetratie en staan gearceerd "
              "op de kaart.",
        "en": "{n} regions have no (known) number of households; they have no penetration and are hatched on the "
              "map."},
    "warn.geo_outside_regions": {
        "nl": "{n} klanten hebben een geldige postcode die niet bij een gebied in het grenzenbestand hoort; ze "
              "tellen niet mee in de penetratie.",
        "en": "{n} customers have a valid postcode that belongs to no region of the boundary file; they do not "
              "count in the penetration."},
}
