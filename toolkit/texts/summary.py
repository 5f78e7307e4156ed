"""Report texts of the executive summary and the "how to read this" box of every chapter."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.summary": {"nl": "Samenvatting", "en": "Executive summary"},
    "summary.intro": {
        "nl": "In de periode {period} had {client} {buyers} kopende klanten met samen {revenue} omzet. Hieronder de "
              "belangrijkste bevindingen; elke bevinding verwijst naar het hoofdstuk met de details.",
        "en": "In the period {period}, {client} had {buyers} buying customers with a combined revenue of {revenue}. "
              "Below are the most important findings; each refers to the chapter with the details."},
    "summary.findings": {"nl": "Belangrijkste bevindingen", "en": "Key findings"},
    "summary.see": {"nl": "zie {chapter}", "en": "see {chapter}"},
    "summary.finding.concentration": {
        "nl": "De beste 20% van de kopers ({count} klanten) brengt {share} van de omzet binnen.",
        "en": "The best 20% of buyers ({count} customers) bring in {share} of revenue."},
    "summary.finding.top_layers": {
        "nl": "De top en de grote klanten samen ({count} klanten, 5% van de kopers) zijn goed voor {share} van de "
              "omzet ({amount}): hun behoud gaat voor alles.",
        "en": "The top and large customers together ({count} customers, 5% of buyers) account for {share} of "
              "revenue ({amount}): keeping them comes first."},
    "summary.finding.whale": {
        "nl": "De winstgevende klanten verdienen {share} van de totale klantwinst; {count} klanten ({value} van de "
              "klanten) kosten samen {amount} meer dan ze opleveren.",
        "en": "Profitable customers earn {share} of total customer profit; {count} customers ({value} of customers) "
              "together cost {amount} more than they bring in."},
    "summary.finding.churn": {
        "nl": "In {label} gingen {count} klanten verloren ({share} van de klanten aan het begin); zij kochten de "
              "periode ervoor samen voor {amount}.",
        "en": "In {label}, {count} customers were lost ({share} of the customers at its start); in the period "
              "before they bought {amount} together."},
    "summary.finding.best_channel": {
        "nl": "Klanten die binnenkwamen via {label} blijven het best: {share} koopt een jaar later nog, tegen {value} "
              "gemiddeld over alle kanalen.",
        "en": "Customers who came in through {label} stay best: {share} still buy a year later, against {value} on "
              "average over all channels."},
    "summary.finding.at_risk": {
        "nl": "{count} waardevolle klanten (top tot middelgroot) hebben een hoog vertrekrisico; zij kochten dit jaar "
              "voor {amount}.",
        "en": "{count} valuable customers (top to medium-large) are at high risk of leaving; they bought {amount} "
              "this year."},
    "summary.finding.white_spot": {
        "nl": "De grootste witte vlek is {label}: bij de doelpenetratie horen daar {count} kopers meer, goed voor "
              "ongeveer {amount} omzet.",
        "en": "The biggest white spot is {label}: at the target penetration it would have {count} more buyers, worth "
              "about {amount} in revenue."},
    "summary.finding.cross_sell": {
        "nl": "De grootste kans op extra verkoop ligt bij {label}: {count} klanten kopen vergelijkbare producten maar "
              "deze groep niet (kans {amount}).",
        "en": "The biggest cross-sell opportunity is {label}: {count} customers buy related products but not this "
              "group (opportunity {amount})."},
    "summary.finding.upgrade": {
        "nl": "Als {value} van elke laag één laag stijgt, groeit de omzet met {amount} ({share}).",
        "en": "If {value} of each layer moves one layer up, revenue grows by {amount} ({share})."},
    "summary.actions": {"nl": "Aanbevolen aanpak per laag", "en": "Recommended approach per layer"},
    "summary.actions_caption": {
        "nl": "Aanpak per laag van de piramide: klanten, aandeel in de omzet en de strategie.",
        "en": "Approach per layer of the pyramid: customers, share of revenue and the strategy."},
    "summary.compare": {"nl": "Veranderingen sinds de vorige rapportage", "en": "Changes since the previous report"},
    "summary.compare_previous": {"nl": "Veranderingen ten opzichte van de vorige periode",
                                 "en": "Changes since the previous period"},
    "summary.compare_intro": {
        "nl": "Vergeleken met de rapportage met referentiedatum {date} ({folder}).",
        "en": "Compared with the report with reference date {date} ({folder})."},
    "summary.compare_caption": {
        "nl": "Kerncijfers toen en nu.", "en": "Key figures then and now."},
    "summary.moves_caption": {
        "nl": "Klanten per laag toen (rijen) en nu (kolommen).",
        "en": "Customers by layer then (rows) and now (columns)."},
    "summary.moves_sentence": {
        "nl": "Sinds toen stegen {up} klanten een of meer lagen en daalden er {down}; {new} klanten kochten voor het "
              "eerst en {lost} kochten niet meer.",
        "en": "Since then {up} customers moved up one or more layers and {down} moved down; {new} customers bought for "
              "the first time and {lost} stopped buying."},
    "summary.previous_period": {
        "nl": "Ten opzichte van de vorige periode ({period}): {buyers_change} kopers, omzet {revenue_change}; "
              "{retention} van de kopers van toen kocht opnieuw. De beweging tussen de lagen staat in {chapter}.",
        "en": "Compared with the previous period ({period}): {buyers_change} buyers, revenue {revenue_change}; "
              "{retention} of the buyers then bought again. The movement between the layers is in {chapter}."},
    "summary.actions_more": {
        "nl": "De acties per klant en het contactplan staan in {chapter}.",
        "en": "The actions per customer and the contact plan are in {chapter}."},
    "unit.points": {"nl": "{n} procentpunt", "en": "{n} points"},
    "col.key_figure": {"nl": "Kerncijfer", "en": "Key figure"},
    "col.then": {"nl": "Toen", "en": "Then"},
    "col.now": {"nl": "Nu", "en": "Now"},
    "col.change": {"nl": "Verandering", "en": "Change"},
    "col.strategy": {"nl": "Aanpak", "en": "Approach"},
    "figure.buying_customers": {"nl": "Kopende klanten", "en": "Buying customers"},
    "figure.revenue": {"nl": "Omzet", "en": "Revenue"},
    "figure.revenue_per_customer": {"nl": "Omzet per koper", "en": "Revenue per buyer"},
    "figure.top20_revenue_share": {"nl": "Omzetaandeel beste 20%", "en": "Revenue share of the best 20%"},
    "figure.new_customers": {"nl": "Nieuwe klanten", "en": "New customers"},
    "figure.lost_customers": {"nl": "Verloren klanten", "en": "Lost customers"},
    "figure.retention_rate": {"nl": "Behoud", "en": "Retention"},
    "figure.margin": {"nl": "Marge", "en": "Margin"},
    # --- "how to read this": one short box under every chapter title ---------------------------
    "howto.title": {"nl": "Zo leest u dit hoofdstuk", "en": "How to read this chapter"},
    "howto.summary": {
        "nl": "Elke bevinding is een getal uit de analyse met een verwijzing naar het hoofdstuk waar het vandaan komt. "
              "De tabel met de aanpak per laag is het begin van het actieplan.",
        "en": "Every finding is a figure from the analysis with a reference to the chapter it comes from. The table "
              "of approaches per layer is where the action plan starts."},
    "howto.quality": {
        "nl": "Controleer eerst of de cijfers kloppen met uw eigen administratie: de aansluiting laat zien hoeveel "
              "regels en welk bedrag zijn ingelezen, gebruikt en uitgesloten, en waarom.",
        "en": "First check that the figures agree with your own books: the reconciliation shows how many lines and "
              "which amount were read, used and excluded, and why."},
    "howto.pyramid": {
        "nl": "De piramide deelt de kopende klanten op omzet (of winst) in: de bovenste 1% is de top, de onderste 50% "
              "klein. Kijk vooral naar het omzetaandeel per laag en naar hoe steil de Pareto-curve stijgt.",
        "en": "The pyramid ranks buying customers by revenue (or profit): the best 1% are the top, the bottom 50% "
              "small. Look mainly at each layer's share of revenue and at how steeply the Pareto curve rises."},
    "howto.rfm": {
        "nl": "Elke klant krijgt drie scores van 1 (laag) tot 5 (hoog): hoe kort geleden (R), hoe vaak (F) en hoeveel "
              "(M) hij kocht. De segmenten vatten die scores samen in woorden.",
        "en": "Every customer gets three scores from 1 (low) to 5 (high): how recently (R), how often (F) and how "
              "much (M) they bought. The segments sum those scores up in words."},
    "howto.profit": {
        "nl": "Winst per klant is marge min de kosten om de klant te bedienen. De walviscurve stijgt zolang klanten "
              "winst maken en daalt waar ze geld kosten; de hoogte van de top boven 100% is wat verliesgevende "
              "klanten kosten.",
        "en": "Profit per customer is margin minus the cost to serve the customer. The whale curve rises while "
              "customers make a profit and falls where they cost money; how far its peak rises above 100% is what "
              "unprofitable customers cost."},
    "howto.migration": {
        "nl": "Vergelijk per laag waar de klanten van vorig jaar nu staan: rijen zijn de laag toen, kolommen de laag "
              "nu. De omzetbrug telt de effecten op tot het verschil in omzet.",
        "en": "For each layer, compare where last year's customers are now: rows are the layer then, columns the "
              "layer now. The revenue bridge adds the effects up to the change in revenue."},
    "howto.churn": {
        "nl": "Per periode: klanten aan het begin, plus nieuwe en teruggekeerde, min verloren, geeft klanten aan het "
              "eind. Een klant is verloren na de in de instellingen genoemde periode zonder aankoop.",
        "en": "Per period: customers at the start, plus new and returning, minus lost, gives customers at the end. "
              "A customer is lost after the period without a purchase named in the settings."},
    "howto.cohorts": {
        "nl": "Elke rij is een groep klanten die in dezelfde periode voor het eerst kocht; elke kolom een periode "
              "later. Donkerder is meer klanten (of omzet) die nog kopen.",
        "en": "Every row is a group of customers who first bought in the same period; every column a period later. "
              "Darker means more customers (or revenue) still buying."},
    "howto.timing": {
        "nl": "Een index van 100 is gemiddeld; boven 100 wordt er in die maand of op die dag meer gekocht dan "
              "gemiddeld. Een klant is 'over tijd' als hij veel langer niet kocht dan zijn eigen gewoonte.",
        "en": "An index of 100 is average; above 100 more is bought in that month or on that day than on average. A "
              "customer is 'overdue' when they have not bought for much longer than their own habit."},
    "howto.clv": {
        "nl": "Klantwaarde is wat een klant naar verwachting nog oplevert, berekend met de standaardmodellen "
              "BG/NBD en Gamma-Gamma. De controle op een achtergehouden periode laat zien hoe goed die voorspelling "
              "uitkwam.",
        "en": "Customer value is what a customer is expected to bring in from now on, computed with the standard "
              "BG/NBD and Gamma-Gamma models. The check on a held-out period shows how well that forecast came "
              "true."},
    "howto.personas": {
        "nl": "De index vergelijkt een segment met het hele klantenbestand: 100 is gelijk, 150 is anderhalf keer zo "
              "vaak. Gemarkeerd zijn de kenmerken die een segment onderscheiden.",
        "en": "The index compares a segment with the whole customer base: 100 is the same, 150 one and a half times "
              "as often. Highlighted are the traits that set a segment apart."},
    "howto.geo": {
        "nl": "Penetratie is het aantal kopende klanten per 1.000 huishoudens in een gebied. Witte vlekken zijn "
              "gebieden met veel huishoudens en een lage penetratie: daar ligt groei.",
        "en": "Penetration is the number of buying customers per 1,000 households in an area. White spots are areas "
              "with many households and a low penetration: that is where growth lies."},
    "howto.products": {
        "nl": "Per laag ziet u wat klanten kopen. Witte ruimte zijn klanten die vergelijkbare producten kopen maar een "
              "groep nog niet: de kandidaten voor extra verkoop.",
        "en": "Per layer you see what customers buy. White space are customers who buy related products but not yet "
              "a group: the candidates for cross-selling."},
    "howto.actions": {
        "nl": "Hier worden de analyses een plan: per laag een strategie en een contactfrequentie, per klant een actie. "
              "Het contactplan staat als bestand bij het rapport, klaar om in het CRM te laden.",
        "en": "Here the analyses become a plan: per layer a strategy and a contact frequency, per customer an action. "
              "The contact plan comes as a file with the report, ready to load into the CRM."},
    "howto.appendix": {
        "nl": "Begrippen, rekenregels en alle instellingen van deze run: genoeg om elk getal in dit rapport na te "
              "rekenen.",
        "en": "Terms, definitions and every setting of this run: enough to recompute every figure in this report."},
}
