"""Report texts of the RFM chapter (recency, frequency, monetary; segments; value/frequency matrix)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.rfm": {"nl": "RFM en waarde/frequentie", "en": "RFM and value/frequency"},
    "rfm.intro": {
        "nl": "RFM kijkt naar drie dingen per klant: hoe recent de laatste aankoop is (R, dagen tot {ref}), hoe "
              "vaak de klant kocht (F, aantal orders in de analyseperiode) en hoeveel (M, netto omzet in de "
              "periode). Elk kenmerk krijgt een score van 1 tot {k} onder de {n} kopende klanten; {k} is het "
              "best (meest recent, vaakst, meeste omzet). Klanten met dezelfde waarde krijgen altijd dezelfde "
              "score. Uit de combinatie van R- en F-score volgt een benoemd segment.",
        "en": "RFM looks at three things per customer: how recent the last purchase is (R, days up to {ref}), "
              "how often the customer bought (F, orders in the analysis period) and how much (M, net revenue in "
              "the period). Each gets a score from 1 to {k} among the {n} buying customers; {k} is best (most "
              "recent, most frequent, highest spend). Customers with the same value always get the same score. "
              "The combination of R and F scores gives a named segment."},
    "rfm.no_buyers": {
        "nl": "Er zijn in de analyseperiode geen kopende klanten, dus er valt niets te scoren.",
        "en": "There are no buying customers in the analysis period, so there is nothing to score."},
    "rfm.segments": {"nl": "Segmenten", "en": "Segments"},
    "rfm.segments_caption": {
        "nl": "Kopende klanten per RFM-segment: aantal en omzet; dagen sinds de laatste aankoop (mediaan), "
              "gemiddeld aantal orders en gemiddelde omzet per klant.",
        "en": "Buying customers per RFM segment: number and revenue; days since the last purchase (median), "
              "average number of orders and average revenue per customer."},
    "rfm.segments_figure": {
        "nl": "Aandeel van de kopende klanten en van de omzet per RFM-segment.",
        "en": "Share of buying customers and of revenue per RFM segment."},
    "rfm.scores": {"nl": "Wat de scores betekenen", "en": "What the scores mean"},
    "rfm.scores_caption": {
        "nl": "Bereik van recentheid (dagen), orders en omzet per score, met het aantal klanten.",
        "en": "Range of recency (days), orders and revenue per score, with the number of customers."},
    "rfm.definition": {"nl": "R {r} · F {f}", "en": "R {r} · F {f}"},
    "rfm.definition_m": {"nl": "R {r} · F {f} · M {m}", "en": "R {r} · F {f} · M {m}"},
    "rfm.findings": {"nl": "Wat opvalt", "en": "What stands out"},
    "rfm.finding_top": {
        "nl": "{label} ({n} klanten, {cshare} van de kopers) brengen {rshare} van de omzet; zij kochten gemiddeld "
              "{orders} keer in de periode.",
        "en": "{label} ({n} customers, {cshare} of buyers) bring {rshare} of revenue; they bought {orders} times in "
              "the period on average."},
    "rfm.finding_risk": {
        "nl": "{n} klanten kochten vaak maar al een tijd niet meer ({labels}); samen goed voor {revenue} omzet in de "
              "periode. Zij verdienen nu een persoonlijke benadering.",
        "en": "{n} customers bought often but not lately ({labels}); together they account for {revenue} of revenue "
              "in the period. They deserve a personal approach now."},
    "rfm.finding_once": {
        "nl": "{share} van de kopers plaatste in de periode één order. De tweede order is de belangrijkste om te "
              "winnen: zo wordt een koper een klant.",
        "en": "{share} of buyers placed a single order in the period. The second order is the one to win: it turns "
              "a buyer into a customer."},
    "rfm.vf": {"nl": "Waarde en frequentie", "en": "Value and frequency"},
    "rfm.vf_intro": {
        "nl": "De waarde/frequentie-matrix zet de lagen van de piramide (waarde) af tegen het aantal orders in de "
              "periode (frequentie). Elk vak toont het aantal klanten en hun aandeel in de omzet; hoe donkerder, "
              "hoe groter dat aandeel.",
        "en": "The value/frequency matrix sets the pyramid layers (value) against the number of orders in the "
              "period (frequency). Each cell shows the number of customers and their share of revenue; the darker, "
              "the larger that share."},
    "rfm.vf_caption": {
        "nl": "Kopende klanten naar laag en aantal orders in de periode; kleur en percentage: aandeel in de omzet.",
        "en": "Buying customers by layer and number of orders in the period; colour and percentage: share of "
              "revenue."},
    "rfm.vf_orders": {"nl": "Orders in de periode", "en": "Orders in the period"},
    "rfm.vf_cell": {"nl": "{n} kl.", "en": "{n} cust."},
    "rfm.conventions": {"nl": "Twee definities van RFM", "en": "Two conventions of RFM"},
    "rfm.conventions_intro": {
        "nl": "De CLV-modellen (BG/NBD en Gamma-Gamma, zoals in de bibliotheken lifetimes en pymc-marketing) "
              "gebruiken dezelfde woorden met een andere betekenis. Wie de cijfers naast elkaar legt, moet de "
              "definities kennen:",
        "en": "The CLV models (BG/NBD and Gamma-Gamma, as in the lifetimes and pymc-marketing libraries) use the "
              "same words with another meaning. Anyone comparing the figures needs to know the definitions:"},
    "rfm.conventions_numbers": {
        "nl": "Dezelfde {n} kopers op beide manieren gemeten: gemiddelde frequentie, recentheid en leeftijd (in "
              "dagen) en besteding.",
        "en": "The same {n} buyers measured both ways: average frequency, recency and age (in days) and monetary "
              "value."},
    "rfm.conventions_caption": {"nl": "RFM in dit rapport en in de CLV-modellen.",
                                "en": "RFM in this report and in the CLV models."},
    "rfm.col.quantity": {"nl": "Begrip", "en": "Quantity"},
    "rfm.col.ours": {"nl": "Segmentatie (dit hoofdstuk)", "en": "Segmentation (this chapter)"},
    "rfm.col.clv": {"nl": "CLV-modellen", "en": "CLV models"},
    "rfm.conv.window": {"nl": "Venster", "en": "Window"},
    "rfm.conv.window.ours": {"nl": "de analyseperiode", "en": "the analysis period"},
    "rfm.conv.window.clv": {"nl": "de hele geschiedenis tot het einde van de waarneming",
                            "en": "the whole history up to the end of the observation"},
    "rfm.conv.frequency": {"nl": "Frequentie", "en": "Frequency"},
    "rfm.conv.frequency.ours": {"nl": "orders in de periode (koopdagen als er geen ordernummer is)",
                                "en": "orders in the period (purchase days where there is no order id)"},
    "rfm.conv.frequency.clv": {"nl": "herhaalaankopen: aantal koopdagen min 1",
                               "en": "repeat purchases: purchase days minus 1"},
    "rfm.conv.recency": {"nl": "Recentheid", "en": "Recency"},
    "rfm.conv.recency.ours": {"nl": "dagen van de laatste aankoop tot de referentiedatum (lager is beter)",
                              "en": "days from the last purchase to the reference date (lower is better)"},
    "rfm.conv.recency.clv": {"nl": "dagen van de eerste tot de laatste aankoop (hoger is beter)",
                             "en": "days from the first to the last purchase (higher is better)"},
    "rfm.conv.age": {"nl": "Leeftijd (T)", "en": "Age (T)"},
    "rfm.conv.age.ours": {"nl": "niet gebruikt", "en": "not used"},
    "rfm.conv.age.clv": {"nl": "dagen van de eerste aankoop tot het einde van de waarneming",
                         "en": "days from the first purchase to the end of the observation"},
    "rfm.conv.monetary": {"nl": "Besteding", "en": "Monetary"},
    "rfm.conv.monetary.ours": {"nl": "netto omzet in de periode", "en": "net revenue in the period"},
    "rfm.conv.monetary.clv": {"nl": "gemiddelde waarde van de herhaalaankopen (de eerste aankoop telt niet)",
                              "en": "mean value of the repeat purchases (the first purchase does not count)"},
    "rfm.conv.once": {"nl": "Eenmalige koper", "en": "One-time buyer"},
    "rfm.conv.once.ours": {"nl": "frequentie 1, gewoon gescoord", "en": "frequency 1, scored like anyone"},
    "rfm.conv.once.clv": {"nl": "frequentie 0, recentheid 0, besteding 0",
                          "en": "frequency 0, recency 0, monetary 0"},
    "rfm.col.segment": {"nl": "Segment", "en": "Segment"},
    "rfm.col.recency": {"nl": "Dagen geleden", "en": "Days ago"},
    "rfm.col.frequency": {"nl": "Orders", "en": "Orders"},
    "rfm.col.monetary": {"nl": "Per klant", "en": "Per customer"},
    "rfm.col.score": {"nl": "Score", "en": "Score"},
    "rfm.col.r_range": {"nl": "R: dagen geleden", "en": "R: days ago"},
    "rfm.col.f_range": {"nl": "F: orders", "en": "F: orders"},
    "rfm.col.m_range": {"nl": "M: omzet", "en": "M: revenue"},
    "rfm.col.n": {"nl": "klanten", "en": "customers"},
    "rfm.empty_score": {"nl": "leeg", "en": "empty"},
    "rfm.axis_share": {"nl": "Aandeel", "en": "Share"},
    "rfm.legend_customers": {"nl": "Klanten", "en": "Customers"},
    "rfm.legend_revenue": {"nl": "Omzet", "en": "Revenue"},
    # --- segment names --------------------------------------------------------------------------
    "rfm_segment.champions": {"nl": "Kampioenen", "en": "Champions"},
    "rfm_segment.loyal": {"nl": "Loyale klanten", "en": "Loyal customers"},
    "rfm_segment.potential_loyalists": {"nl": "Potentieel loyaal", "en": "Potential loyalists"},
    "rfm_segment.new": {"nl": "Nieuwe kopers", "en": "New buyers"},
    "rfm_segment.promising": {"nl": "Veelbelovend", "en": "Promising"},
    "rfm_segment.need_attention": {"nl": "Aandacht nodig", "en": "Need attention"},
    "rfm_segment.about_to_sleep": {"nl": "Dreigen in te slapen", "en": "About to sleep"},
    "rfm_segment.cant_lose": {"nl": "Niet verliezen", "en": "Can't lose them"},
    "rfm_segment.at_risk": {"nl": "Risico", "en": "At risk"},
    "rfm_segment.hibernating": {"nl": "Slapend", "en": "Hibernating"},
    "rfm_segment.lost": {"nl": "Verloren", "en": "Lost"},
    "rfm_segment.inactive": {"nl": "Inactief", "en": "Inactive"},
    "rfm_segment.prospect": {"nl": "Prospect", "en": "Prospect"},
    "rfm_segment.other": {"nl": "Overig (niet in de segmenttabel)", "en": "Other (not in the segment table)"},
    # --- notes ----------------------------------------------------------------------------------
    "warn.rfm_few_customers": {
        "nl": "RFM: er zijn maar {n} kopende klanten om te scoren; elke scoreklasse bevat maar enkele klanten.",
        "en": "RFM: only {n} buying customers to score; each score class holds only a few customers."},
    "warn.rfm_collapsed_recency": {
        "nl": "RFM: veel klanten kochten op dezelfde dagen, waardoor niet elke R-score voorkomt (gebruikt: {scores} "
              "van 1–{k}). Klanten met dezelfde waarde krijgen dezelfde score; lege scores zijn niet opgevuld.",
        "en": "RFM: many customers bought on the same days, so not every R score occurs (used: {scores} of 1–{k}). "
              "Customers with the same value get the same score; empty scores are not filled."},
    "warn.rfm_collapsed_frequency": {
        "nl": "RFM: veel klanten hebben hetzelfde aantal orders (vaak één), waardoor niet elke F-score voorkomt "
              "(gebruikt: {scores} van 1–{k}). Klanten met hetzelfde aantal orders krijgen dezelfde score.",
        "en": "RFM: many customers have the same number of orders (often one), so not every F score occurs (used: "
              "{scores} of 1–{k}). Customers with the same number of orders get the same score."},
    "warn.rfm_collapsed_monetary": {
        "nl": "RFM: veel klanten hebben exact dezelfde omzet, waardoor niet elke M-score voorkomt (gebruikt: "
              "{scores} van 1–{k}).",
        "en": "RFM: many customers have exactly the same revenue, so not every M score occurs (used: {scores} of "
              "1–{k})."},
    "warn.rfm_unmatched": {
        "nl": "RFM: {n} klanten vallen in geen enkel segment van de segmenttabel in de parameters (rfm.segments); "
              "zij staan als 'Overig' in het rapport. Vul de tabel aan zodat elke combinatie van scores gedekt is.",
        "en": "RFM: {n} customers fall in no segment of the segment table in the params (rfm.segments); the report "
              "shows them as 'Other'. Complete the table so that every combination of scores is covered."},
}
