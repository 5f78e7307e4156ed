"""Report texts of the migration chapter (movement through the pyramid, upgrade scenario)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.migration": {"nl": "Beweging in de piramide", "en": "Movement through the pyramid"},
    "migration.intro": {
        "nl": "Klanten blijven niet in hun laag. Dit hoofdstuk vergelijkt {earlier} met {later}: beide periodes zijn "
              "op dezelfde manier in lagen verdeeld (op {basis}), en per klant is nagegaan waar hij vandaan kwam en "
              "waar hij nu staat. Nieuw zijn klanten die vóór de latere periode nog nooit kochten; verloren zijn "
              "kopers die in de latere periode niet meer kochten; gereactiveerd zijn inactieve klanten die weer "
              "kochten.",
        "en": "Customers do not stay in their layer. This chapter compares {earlier} with {later}: both periods are "
              "split into layers the same way (by {basis}), and for every customer we see where they came from and "
              "where they are now. New are customers who had never bought before the later period; lost are buyers "
              "who did not buy in the later period; reactivated are inactive customers who bought again."},
    "migration.flows": {"nl": "Waar gingen de klanten heen?", "en": "Where did the customers go?"},
    "migration.flows_caption": {
        "nl": "Per laag in {earlier}: het aandeel klanten per laag in {later}.",
        "en": "Per layer in {earlier}: the share of customers per layer in {later}."},
    "migration.matrix_caption": {
        "nl": "Migratiematrix: klanten naar laag in {earlier} (rijen) en in {later} (kolommen).",
        "en": "Migration matrix: customers by layer in {earlier} (rows) and in {later} (columns)."},
    "migration.bridge": {"nl": "Van omzet naar omzet", "en": "From revenue to revenue"},
    "migration.bridge_intro": {
        "nl": "De omzetbrug verklaart het verschil tussen de omzet van {earlier} ({before}) en van {later} "
              "({after}) uit de bewegingen van klanten.",
        "en": "The revenue bridge explains the difference between the revenue of {earlier} ({before}) and of "
              "{later} ({after}) from the movements of customers."},
    "migration.bridge_caption": {
        "nl": "Omzetbrug: de omzet van de eerdere periode, het effect van elke beweging, de omzet van de latere "
              "periode.",
        "en": "Revenue bridge: the revenue of the earlier period, the effect of each movement, the revenue of the "
              "later period."},
    "migration.flow_caption": {
        "nl": "Klanten en omzet per soort beweging.",
        "en": "Customers and revenue per kind of movement."},
    "migration.findings": {
        "nl": "{up} klanten stegen een of meer lagen, {down} daalden; {new} nieuwe klanten brachten {rev_new} en "
              "{reactivated} gereactiveerde klanten {rev_react}. {lost} klanten kochten niet meer; in {earlier} "
              "waren zij goed voor {rev_lost}.",
        "en": "{up} customers moved up one or more layers, {down} moved down; {new} new customers brought {rev_new} "
              "and {reactivated} reactivated customers {rev_react}. {lost} customers stopped buying; in {earlier} "
              "they accounted for {rev_lost}."},
    "migration.top_kept": {
        "nl": "Van de {n} topklanten van {earlier} is {share} nog steeds topklant.",
        "en": "Of the {n} top customers of {earlier}, {share} are still top customers."},
    "migration.col.from": {"nl": "Van \\ naar", "en": "From \\ to"},
    "migration.col.flow": {"nl": "Beweging", "en": "Movement"},
    "migration.col.revenue_earlier": {"nl": "Omzet eerder", "en": "Revenue before"},
    "migration.col.revenue_later": {"nl": "Omzet later", "en": "Revenue after"},
    "migration.col.effect": {"nl": "Effect", "en": "Effect"},
    "migration.col.total": {"nl": "Totaal", "en": "Total"},
    "migration.state.new": {"nl": "Nog geen klant", "en": "Not yet a customer"},
    "migration.before": {"nl": "Omzet eerder", "en": "Revenue before"},
    "migration.after": {"nl": "Omzet later", "en": "Revenue after"},
    "migration.axis_share": {"nl": "Aandeel van de klanten", "en": "Share of customers"},
    "migration.axis_revenue": {"nl": "Omzet (× € 1.000)", "en": "Revenue (× €1,000)"},
    "migration.legend_later": {"nl": "Laag in {later}", "en": "Layer in {later}"},
    "flow.stayed": {"nl": "Zelfde laag", "en": "Same layer"},
    "flow.up": {"nl": "Gestegen", "en": "Moved up"},
    "flow.down": {"nl": "Gedaald", "en": "Moved down"},
    "flow.new": {"nl": "Nieuw", "en": "New"},
    "flow.reactivated": {"nl": "Gereactiveerd", "en": "Reactivated"},
    "flow.lost": {"nl": "Verloren", "en": "Lost"},
    "flow.still_inactive": {"nl": "Bleef inactief", "en": "Stayed inactive"},
    "migration.upgrade": {"nl": "Wat oplevert: klanten een laag omhoog",
                          "en": "What it yields: customers one layer up"},
    "migration.upgrade_intro": {
        "nl": "Volgens de methode is de snelste groei te halen uit bestaande klanten. Stel dat {pct} van de klanten "
              "in elke laag één laag stijgt en dan gemiddeld zoveel koopt als die hogere laag.",
        "en": "According to the method, the fastest growth comes from existing customers. Suppose {pct} of the "
              "customers in every layer move up one layer and then buy as much as that higher layer on average."},
    "migration.upgrade_sentence": {
        "nl": "Als {pct} van de klanten in elke laag één laag stijgt ({movers} klanten), groeit de omzet met {gain} "
              "({gain_share} van de huidige omzet).",
        "en": "If {pct} of the customers in every layer move up one layer ({movers} customers), revenue grows by "
              "{gain} ({gain_share} of current revenue)."},
    "migration.upgrade_margin": {"nl": " De marge groeit met {gain}.", "en": " Margin grows by {gain}."},
    "migration.upgrade_caption": {
        "nl": "Groeiscenario: {pct} van elke laag één laag omhoog.",
        "en": "Growth scenario: {pct} of each layer one layer up."},
    "migration.col.move": {"nl": "Van → naar", "en": "From → to"},
    "migration.col.movers": {"nl": "Stijgers", "en": "Movers"},
    "migration.col.per_from": {"nl": "Per klant nu", "en": "Per customer now"},
    "migration.col.per_to": {"nl": "Hogere laag", "en": "Higher layer"},
    "migration.col.gain": {"nl": "Extra omzet", "en": "Extra revenue"},
    "migration.col.margin_gain": {"nl": "Extra marge", "en": "Extra margin"},
    "warn.migration_short_history": {
        "nl": "De gegevens beginnen op {first}, na het begin van de eerdere migratieperiode ({previous_first}); "
              "klanten uit de periode daarvoor tellen in de migratie als nieuw.",
        "en": "The data starts on {first}, after the start of the earlier migration period ({previous_first}); "
              "customers from before that count as new in the migration."},
}
