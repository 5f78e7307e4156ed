"""Report texts of the profitability chapter (cost to serve, whale curve, unprofitable customers)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.profit": {"nl": "Winst per klant", "en": "Customer profitability"},
    "profit.intro": {
        "nl": "Omzet is geen winst. Per klant is de winst hier de brutomarge min de kosten om de klant te bedienen: "
              "orders leveren, orderregels verwerken, retouren afhandelen en vragen en klachten beantwoorden. Zo "
              "wordt zichtbaar welke klanten het bedrijf geld opleveren en welke geld kosten.",
        "en": "Revenue is not profit. Per customer, profit here is the gross margin minus the cost of serving the "
              "customer: delivering orders, handling order lines, processing returns and answering questions and "
              "complaints. This shows which customers make the business money and which cost money."},
    "profit.no_margin": {
        "nl": "Winst per klant vraagt om een margekolom: koppel transactions.columns.margin in de parameters "
              "(bijvoorbeeld margin: marge).",
        "en": "Customer profit needs a margin column: map transactions.columns.margin in the params (for example "
              "margin: marge)."},
    "profit.no_costs": {
        "nl": "Er zijn geen kosten om te bedienen opgegeven, dus de winst is hier gelijk aan de brutomarge. Voeg "
              "cost_to_serve toe aan de parameters (kosten per order, orderregel, retour en contact) voor het "
              "volledige beeld.",
        "en": "No cost to serve is configured, so profit here equals gross margin. Add cost_to_serve to the params "
              "(cost per order, order line, return and contact) for the full picture."},
    "profit.costs": {"nl": "Kosten om te bedienen", "en": "Cost to serve"},
    "profit.costs_caption": {
        "nl": "Kostenposten in de analyseperiode: aantallen, kosten per eenheid en totaal.",
        "en": "Cost items in the analysis period: units, cost per unit and total."},
    "profit.cost.order_cost": {"nl": "Orders (levering)", "en": "Orders (delivery)"},
    "profit.cost.line_cost": {"nl": "Orderregels (verwerking)", "en": "Order lines (handling)"},
    "profit.cost.return_cost": {"nl": "Retouren (creditnota's)", "en": "Returns (credit notes)"},
    "profit.cost.contact_cost": {"nl": "Klantcontacten", "en": "Customer contacts"},
    "profit.by_channel": {"nl": "per verkoopkanaal: {costs}", "en": "per sales channel: {costs}"},
    "profit.by_type": {"nl": "per soort: {costs}; overig {other}", "en": "per type: {costs}; other {other}"},
    "profit.contacts_file": {
        "nl": "{file}: {usable} contacten gelezen, {in_period} in de analyseperiode.",
        "en": "{file}: {usable} contacts read, {in_period} in the analysis period."},
    "profit.not_mapped": {"nl": "niet opgegeven", "en": "not given"},
    "profit.col.item": {"nl": "Kostenpost", "en": "Cost item"},
    "profit.col.units": {"nl": "Aantal", "en": "Units"},
    "profit.col.unit_cost": {"nl": "Per eenheid", "en": "Per unit"},
    "profit.col.cost": {"nl": "Kosten", "en": "Cost"},
    "profit.col.share_margin": {"nl": "% van marge", "en": "% of margin"},
    "profit.col.cost_to_serve": {"nl": "Kosten bediening", "en": "Cost to serve"},
    "profit.col.profit": {"nl": "Winst", "en": "Profit"},
    "profit.col.profit_per_customer": {"nl": "Winst per klant", "en": "Profit per customer"},
    "profit.col.unprofitable": {"nl": "Verlieslatend", "en": "Unprofitable"},
    "profit.col.customer": {"nl": "Klant", "en": "Customer"},
    "profit.col.reasons": {"nl": "Waarom", "en": "Why"},
    "profit.col.reason": {"nl": "Oorzaak", "en": "Cause"},
    "profit.col.main": {"nl": "Als hoofdoorzaak", "en": "As main cause"},
    "profit.col.loss": {"nl": "Verlies", "en": "Loss"},
    "profit.col.by_revenue": {"nl": "Laag op omzet", "en": "Layer by revenue"},
    "profit.summary": {
        "nl": "In de analyseperiode leverden de klanten {margin} brutomarge op. Hen bedienen kostte {cost} "
              "({cost_share} van de marge), zodat {profit} winst resteert.",
        "en": "In the analysis period the customers delivered {margin} of gross margin. Serving them cost {cost} "
              "({cost_share} of margin), leaving {profit} of profit."},
    "profit.whale": {"nl": "De walviscurve", "en": "The whale curve"},
    "profit.whale_intro": {
        "nl": "De walviscurve zet de klanten op volgorde van winst, de meest winstgevende eerst, en telt hun winst "
              "op. De curve stijgt tot de laatste winstgevende klant en daalt daarna: de klanten voorbij de top "
              "kosten winst.",
        "en": "The whale curve ranks customers by profit, most profitable first, and adds up their profit. It rises "
              "to the last profitable customer and falls after that: the customers beyond the peak cost profit."},
    "profit.whale_peak": {
        "nl": "De top van de curve ligt op {peak}: {peak_share} van de uiteindelijke winst, bereikt door {n} "
              "winstgevende klanten ({share} van de klanten).",
        "en": "The curve peaks at {peak}: {peak_share} of the final profit, reached by {n} profitable customers "
              "({share} of customers)."},
    "profit.whale_peak_nonpositive": {
        "nl": "De top van de curve ligt op {peak}, bereikt door {n} winstgevende klanten ({share} van de klanten); "
              "per saldo is de winst niet positief ({total}).",
        "en": "The curve peaks at {peak}, reached by {n} profitable customers ({share} of customers); on balance "
              "profit is not positive ({total})."},
    "profit.whale_beyond": {
        "nl": "{n} klanten ({share}) liggen voorbij de top: samen vernietigen zij {destroyed} winst, {destroyed_share} "
              "van de top.",
        "en": "{n} customers ({share}) lie beyond the peak: together they destroy {destroyed} of profit, "
              "{destroyed_share} of the peak."},
    "profit.whale_caption": {
        "nl": "Walviscurve: cumulatieve winst tegen het aandeel klanten, gerangschikt van meest naar minst "
              "winstgevend.",
        "en": "Whale curve: cumulative profit against the share of customers, ranked from most to least "
              "profitable."},
    "profit.axis_customers": {"nl": "Aandeel klanten (meest winstgevend eerst)",
                              "en": "Share of customers (most profitable first)"},
    "profit.axis_profit": {"nl": "Cumulatieve winst (% van totaal)", "en": "Cumulative profit (% of total)"},
    "profit.axis_profit_eur": {"nl": "Cumulatieve winst (× € 1.000)", "en": "Cumulative profit (× €1,000)"},
    "profit.peak_marker": {"nl": "Top: {share}", "en": "Peak: {share}"},
    "profit.total_marker": {"nl": "Totaal: 100%", "en": "Total: 100%"},
    "profit.by_layer": {"nl": "Winst per laag", "en": "Profit per layer"},
    "profit.by_layer_caption": {
        "nl": "Omzet, marge, kosten om te bedienen en winst per laag van de piramide.",
        "en": "Revenue, margin, cost to serve and profit per pyramid layer."},
    "profit.reasons": {"nl": "Waarom klanten geld kosten", "en": "Why customers cost money"},
    "profit.reasons_intro": {
        "nl": "Per verlieslatende klant is bepaald waar het verlies vandaan komt: een lage marge (minder dan "
              "{factor} van de gemiddelde marge op aankopen), veel retouren, veel contact of veel kleine orders. "
              "Een klant kan meer oorzaken hebben; de grootste staat voorop.",
        "en": "For each unprofitable customer the source of the loss is determined: a low margin (below {factor} of "
              "the average margin on purchases), many returns, many contacts or many small orders. A customer can "
              "have several causes; the largest comes first."},
    "profit.reasons_caption": {"nl": "Verlieslatende klanten per oorzaak.", "en": "Unprofitable customers per cause."},
    "profit.worst_caption": {
        "nl": "De {n} klanten met het grootste verlies.",
        "en": "The {n} customers with the largest loss."},
    "profit.none_unprofitable": {
        "nl": "Geen enkele klant is verlieslatend in de analyseperiode.",
        "en": "No customer is unprofitable in the analysis period."},
    "profit_reason.low_margin": {"nl": "lage marge", "en": "low margin"},
    "profit_reason.returns": {"nl": "veel retouren", "en": "many returns"},
    "profit_reason.contacts": {"nl": "veel contact", "en": "many contacts"},
    "profit_reason.orders": {"nl": "kleine orders", "en": "small orders"},
    "profit.pyramid": {"nl": "De piramide op winst", "en": "The pyramid by profit"},
    "profit.pyramid_is_profit": {
        "nl": "De klantpiramide in dit rapport is gerangschikt op winst (pyramid_basis: profit).",
        "en": "The customer pyramid in this report is ranked by profit (pyramid_basis: profit)."},
    "profit.pyramid_compare": {
        "nl": "Gerangschikt op winst in plaats van {basis} zou de piramide er anders uitzien. De tabel toont per "
              "laag op {basis} in welke laag de klanten op winst zouden vallen; {stay} van de topklanten blijft "
              "topklant. Zet pyramid_basis: profit in de parameters om de piramide op winst te maken.",
        "en": "Ranked by profit instead of {basis}, the pyramid would look different. The table shows, per layer by "
              "{basis}, the layer by profit the customers would fall in; {stay} of the top customers stay top "
              "customers. Set pyramid_basis: profit in the params to rank the pyramid by profit."},
    "profit.pyramid_caption": {
        "nl": "Kopende klanten naar laag op {basis} (rijen) en laag op winst (kolommen).",
        "en": "Buying customers by layer on {basis} (rows) and layer on profit (columns)."},
    "warn.contacts_excluded": {
        "nl": "{rows} regels uit {file} zijn niet gebruikt (geen klantnummer of geen leesbare datum).",
        "en": "{rows} rows of {file} were not used (no customer id or no readable date)."},
    "warn.contacts_unknown_customers": {
        "nl": "{rows} contacten in de analyseperiode uit {file} horen bij klantnummers die niet in de transacties "
              "of het klantenbestand voorkomen; zij tellen niet mee.",
        "en": "{rows} contacts in the analysis period in {file} belong to customer ids that are in neither the "
              "transactions nor the customer master; they do not count."},
}
