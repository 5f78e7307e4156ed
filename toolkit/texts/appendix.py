"""Texts of the appendix: glossary and methods (what another consultant needs to reproduce the numbers)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.appendix": {"nl": "Begrippen en werkwijze", "en": "Glossary and methods"},
    "appendix.glossary": {"nl": "Begrippenlijst", "en": "Glossary"},
    "appendix.methods": {"nl": "Werkwijze", "en": "Methods"},
    "appendix.methods_intro": {
        "nl": "Met dezelfde gegevensbestanden (zie de vingerafdrukken in hoofdstuk 1), deze instellingen en deze "
              "softwareversies geeft een nieuwe run dezelfde cijfers. Alle instellingen staan ook in manifest.json "
              "naast dit rapport.",
        "en": "With the same data files (see the fingerprints in chapter 1), these settings and these software "
              "versions a new run gives the same numbers. Every setting is also in manifest.json next to this "
              "report."},
    "appendix.settings": {"nl": "Instellingen van deze run", "en": "Settings of this run"},
    "appendix.software": {"nl": "Software", "en": "Software"},
    "appendix.col_term": {"nl": "Begrip", "en": "Term"},
    "appendix.col_meaning": {"nl": "Betekenis", "en": "Meaning"},
    "appendix.col_setting": {"nl": "Instelling", "en": "Setting"},
    "appendix.col_value": {"nl": "Waarde", "en": "Value"},
    "appendix.col_package": {"nl": "Onderdeel", "en": "Component"},
    "appendix.col_version": {"nl": "Versie", "en": "Version"},
    "appendix.default": {"nl": "(standaard)", "en": "(default)"},
    # --- glossary: term and meaning -----------------------------------------------------------------
    "term.reference_date": {"nl": "Referentiedatum", "en": "Reference date"},
    "def.reference_date": {
        "nl": "De laatste dag die de analyse meetelt; alle perioden eindigen op deze dag.",
        "en": "The last day the analysis counts; every period ends on this day."},
    "term.period": {"nl": "Analyseperiode", "en": "Analysis period"},
    "def.period": {
        "nl": "De maanden tot en met de referentiedatum waarover omzet, marge en orders worden gemeten; de "
              "vergelijkingsperiode is even lang en ligt er direct voor.",
        "en": "The months up to the reference date over which revenue, margin and orders are measured; the "
              "comparison period is as long and lies directly before it."},
    "term.buyer": {"nl": "Kopende klant", "en": "Buying customer"},
    "def.buyer": {
        "nl": "Een klant met per saldo positieve omzet in de analyseperiode (retouren verrekend).",
        "en": "A customer with positive net revenue in the analysis period (returns netted)."},
    "term.pyramid": {"nl": "Klantpiramide", "en": "Customer pyramid"},
    "def.pyramid": {
        "nl": "Indeling van de kopende klanten naar omzet (of marge of winst): top 1%, groot 4%, middelgroot 15%, "
              "middelklein 30% en klein 50%, met daaronder de inactieve klanten en de prospects (Curry).",
        "en": "The buying customers ranked by revenue (or margin or profit): top 1%, large 4%, medium-large 15%, "
              "medium-small 30% and small 50%, with the inactive customers and prospects below (Curry)."},
    "term.inactive": {"nl": "Inactieve klant", "en": "Inactive customer"},
    "def.inactive": {
        "nl": "Een klant die eerder kocht maar in de analyseperiode per saldo niet.",
        "en": "A customer who bought before but not, on balance, in the analysis period."},
    "term.prospect": {"nl": "Prospect", "en": "Prospect"},
    "def.prospect": {
        "nl": "Een relatie in het klantenbestand zonder enige aankoop.",
        "en": "A relation in the customer master without any purchase."},
    "term.abc": {"nl": "ABC-klassen", "en": "ABC classes"},
    "def.abc": {
        "nl": "Klanten van groot naar klein: A zolang de omzet van de grotere klanten samen onder 80% blijft, B "
              "tot 95%, C de rest.",
        "en": "Customers from large to small: A while the revenue of the larger customers stays below 80% together, "
              "B up to 95%, C the rest."},
    "term.pareto": {"nl": "Pareto-curve", "en": "Pareto curve"},
    "def.pareto": {
        "nl": "Het cumulatieve aandeel in de omzet tegen het cumulatieve aandeel klanten, van groot naar klein: de "
              "'80/20-regel' in beeld.",
        "en": "The cumulative share of revenue against the cumulative share of customers, largest first: the "
              "'80/20 rule' as a picture."},
    "term.rfm": {"nl": "RFM", "en": "RFM"},
    "def.rfm": {
        "nl": "Recency (dagen sinds de laatste aankoop), frequency (aantal orders) en monetary (omzet), elk "
              "gescoord van 1 tot 5 waarbij 5 het best is; combinaties vormen segmenten zoals kampioenen en "
              "slapers.",
        "en": "Recency (days since the last purchase), frequency (number of orders) and monetary (revenue), each "
              "scored from 1 to 5 with 5 best; combinations form segments such as champions and hibernating."},
    "term.cost_to_serve": {"nl": "Kosten om te bedienen", "en": "Cost to serve"},
    "def.cost_to_serve": {
        "nl": "De kosten die een klant meebrengt naast de inkoop: retouren, contacten met de klantenservice, "
              "leveringen; klantwinst is marge min deze kosten.",
        "en": "What a customer costs besides the goods: returns, service contacts, deliveries; customer profit is "
              "margin minus these costs."},
    "term.whale": {"nl": "Walviscurve", "en": "Whale curve"},
    "def.whale": {
        "nl": "De cumulatieve winst tegen de klanten van meest naar minst winstgevend; de top ligt boven 100% als "
              "verlieslatende klanten winst teniet doen.",
        "en": "The cumulative profit against customers from most to least profitable; the peak lies above 100% "
              "when unprofitable customers destroy profit."},
    "term.migration": {"nl": "Migratie", "en": "Migration"},
    "def.migration": {
        "nl": "De verschuiving van klanten tussen de lagen van de piramide van de ene periode naar de volgende, "
              "inclusief nieuwe, verloren en teruggewonnen klanten.",
        "en": "The movement of customers between the layers of the pyramid from one period to the next, including "
              "new, lost and reactivated customers."},
    "term.churn": {"nl": "Verloop (churn)", "en": "Churn"},
    "def.churn": {
        "nl": "Het deel van de klanten dat in een periode kocht en daarna niet meer; het complement is de "
              "retentie.",
        "en": "The share of customers who bought in a period and not afterwards; its complement is retention."},
    "term.cohort": {"nl": "Cohort", "en": "Cohort"},
    "def.cohort": {
        "nl": "De klanten die in dezelfde periode voor het eerst kochten, gevolgd in de tijd.",
        "en": "The customers who first bought in the same period, followed over time."},
    "term.clv": {"nl": "Klantwaarde (CLV)", "en": "Customer lifetime value (CLV)"},
    "def.clv": {
        "nl": "De verwachte waarde van een klant over een horizon: voorspelde aankopen (BG/NBD-model) maal de "
              "verwachte besteding per aankoop (Gamma-Gamma-model) maal de marge, verdisconteerd.",
        "en": "The expected value of a customer over a horizon: predicted purchases (BG/NBD model) times the "
              "expected spend per purchase (Gamma-Gamma model) times the margin, discounted."},
    "term.p_alive": {"nl": "Kans actief", "en": "Probability alive"},
    "def.p_alive": {
        "nl": "De door het BG/NBD-model geschatte kans dat een klant nog klant is, gegeven zijn aankooppatroon.",
        "en": "The probability, estimated by the BG/NBD model, that a customer is still a customer given the "
              "purchase pattern."},
    "term.penetration": {"nl": "Penetratie", "en": "Penetration"},
    "def.penetration": {
        "nl": "Het aantal klanten per 1.000 huishoudens in een gebied; de index zet dat af tegen het gemiddelde "
              "(100).",
        "en": "The number of customers per 1,000 households in an area; the index compares it with the average "
              "(100)."},
    "term.white_spot": {"nl": "Witte vlek", "en": "White spot"},
    "def.white_spot": {
        "nl": "Een gebied met veel huishoudens en weinig klanten: marktpotentieel = huishoudens x (doelpenetratie - "
              "werkelijke penetratie).",
        "en": "An area with many households and few customers: market potential = households x (target "
              "penetration - actual penetration)."},
    "term.index": {"nl": "Index", "en": "Index"},
    "def.index": {
        "nl": "Een aandeel binnen een groep gedeeld door het aandeel in het hele bestand, maal 100: boven 100 komt "
              "het in die groep vaker voor.",
        "en": "A share within a group divided by the share in the whole base, times 100: above 100 it is more "
              "common in that group."},
}
