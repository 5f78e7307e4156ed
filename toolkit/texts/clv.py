"""Report texts of the customer-lifetime-value chapter (issue 4), in Dutch and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.clv": {"nl": "Klantwaarde", "en": "Customer lifetime value"},
    # --- notes --------------------------------------------------------------------------------
    "warn.clv_too_few": {
        "nl": "Het {model}-model is niet geschat: er zijn {customers} klanten, waarvan {repeat} met een "
              "herhaalaankoop; het model heeft er minstens 100 en 30 nodig. Klantwaarde en vertrekkans ontbreken "
              "daarom.",
        "en": "The {model} model was not fitted: there are {customers} customers, {repeat} of them with a repeat "
              "purchase; the model needs at least 100 and 30. Lifetime value and churn risk are therefore missing."},
    "warn.clv_not_converged": {
        "nl": "Het {model}-model kwam niet tot een stabiele schatting (een parameter liep weg naar 0 of oneindig). "
              "De voorspellingen ervan zijn weggelaten; de gegevens passen niet bij de aannames van het model.",
        "en": "The {model} model did not reach a stable estimate (a parameter ran off to 0 or infinity). Its "
              "predictions are left out; the data do not fit the model's assumptions."},
    "warn.clv_holdout_short": {
        "nl": "Geen controle op een toetsperiode: daarvoor zijn minstens twee keer {n} maanden gegevens nodig "
              "(clv.holdout_months).",
        "en": "No check on a holdout period: it needs at least twice {n} months of data (clv.holdout_months)."},
    # --- historic value ------------------------------------------------------------------------
    "clv.historic": {"nl": "Historische klantwaarde", "en": "Historic value"},
    "clv.historic_intro": {
        "nl": "Over de hele gegevensperiode kochten {n} klanten samen voor {revenue}, gemiddeld {avg} per klant.",
        "en": "Over the whole data period {n} customers bought {revenue} worth together, {avg} per customer on "
              "average."},
    "clv.historic_margin": {
        "nl": "Dat leverde {margin} marge op, gemiddeld {avg} per klant.",
        "en": "That gave {margin} in margin, {avg} per customer on average."},
    "clv.tenure_intro": {
        "nl": "Wat brengt een nieuwe klant op in zijn eerste, tweede en derde jaar? De tabel volgt de nieuwe klanten "
              "van wie de hele klantgeschiedenis in de gegevens staat; een klant telt in een jaar mee als dat jaar "
              "voorbij is. Opgeteld is dit de gerealiseerde waarde van een klant na zoveel jaar.",
        "en": "What does a new customer bring in their first, second and third year? The table follows the new "
              "customers whose whole history is in the data; a customer counts in a year once that year has passed. "
              "Added up, this is a customer's realised value after so many years."},
    "clv.no_tenure": {
        "nl": "Er zijn nog geen nieuwe klanten met een volledig eerste jaar in de gegevens.",
        "en": "There are no new customers with a complete first year in the data yet."},
    "clv.tenure_caption": {"nl": "Waarde per klant per jaar sinds de eerste aankoop",
                           "en": "Value per customer per year since the first purchase"},
    "clv.tenure_year": {"nl": "Jaar {n}", "en": "Year {n}"},
    "clv.col.tenure_year": {"nl": "Klantjaar", "en": "Customer year"},
    "clv.col.customers": {"nl": "Klanten", "en": "Customers"},
    "clv.col.revenue_year": {"nl": "Omzet in het jaar", "en": "Revenue in year"},
    "clv.col.revenue_cumulative": {"nl": "Omzet tot dan", "en": "Revenue to date"},
    "clv.col.margin_year": {"nl": "Marge in het jaar", "en": "Margin in year"},
    "clv.col.margin_cumulative": {"nl": "Marge tot dan", "en": "Margin to date"},
    # --- predicted value ---------------------------------------------------------------------
    "clv.predicted": {"nl": "Voorspelde klantwaarde", "en": "Predicted lifetime value"},
    "clv.method": {
        "nl": "De voorspelling gebruikt twee standaardmodellen. Het BG/NBD-model leert uit hoe vaak en hoe recent "
              "elke klant kocht hoeveel aankopen hij nog zal doen en hoe groot de kans is dat hij nog klant is; het "
              "Gamma-Gamma-model schat wat hij per aankoop besteedt. De klantwaarde (CLV) is de verwachte {margin} "
              "over de komende {horizon} maanden, teruggerekend naar vandaag met {discount} per jaar.",
        "en": "The prediction uses two standard models. The BG/NBD model learns from how often and how recently each "
              "customer bought how many purchases they will still make and how likely they are to still be a "
              "customer; the Gamma-Gamma model estimates what they spend per purchase. Lifetime value (CLV) is the "
              "expected {margin} over the next {horizon} months, discounted to today at {discount} a year."},
    "clv.margin_params": {"nl": "marge ({rate} van de omzet, zoals opgegeven)",
                          "en": "margin ({rate} of revenue, as set)"},
    "clv.margin_data": {"nl": "marge ({rate} van de omzet, de margeverhouding in de analyseperiode)",
                        "en": "margin ({rate} of revenue, the margin ratio in the analysis period)"},
    "clv.margin_revenue": {
        "nl": "omzet (er is geen margekolom; koppel die of zet clv.margin_rate voor een waarde in marge)",
        "en": "revenue (there is no margin column; map one or set clv.margin_rate for a value in margin)"},
    "clv.sampled": {
        "nl": "De modellen zijn geschat op een vaste steekproef van {n} van de {total} klanten; de voorspellingen "
              "gelden voor iedereen.",
        "en": "The models were fitted on a fixed sample of {n} of the {total} customers; the predictions cover "
              "everyone."},
    "clv.no_model": {
        "nl": "Zonder geschat model zijn er geen voorspelde klantwaarde, vertrekkans en verwachte aankopen; de "
              "historische waarde hierboven geldt wel.",
        "en": "Without a fitted model there is no predicted lifetime value, churn risk or expected purchases; the "
              "historic value above still holds."},
    "clv.kf_total": {
        "nl": "De {n} klanten met een voorspelling zijn over {horizon} maanden samen naar verwachting {clv} waard, "
              "gemiddeld {avg} per klant.",
        "en": "The {n} customers with a prediction are expected to be worth {clv} together over {horizon} months, "
              "{avg} per customer on average."},
    "clv.kf_purchases": {
        "nl": "Het model verwacht de komende twaalf maanden {n} aankoopdagen, met gemiddeld {spend} per aankoop.",
        "en": "The model expects {n} purchase days in the next twelve months, at {spend} per purchase on average."},
    "clv.kf_top": {
        "nl": "De toplaag en de grote klanten ({customers} klanten) vertegenwoordigen {share} van de toekomstige "
              "waarde.",
        "en": "The top and large layers ({customers} customers) hold {share} of the future value."},
    "clv.layer_caption": {"nl": "Voorspelde klantwaarde per laag ({horizon} maanden)",
                          "en": "Predicted lifetime value per layer ({horizon} months)"},
    "clv.col.layer": {"nl": "Laag", "en": "Layer"},
    "clv.col.p_alive": {"nl": "Kans nog klant", "en": "P(alive)"},
    "clv.col.purchases": {"nl": "Aankopen 12 mnd", "en": "Purchases 12 mo"},
    "clv.col.clv_customer": {"nl": "CLV per klant", "en": "CLV per customer"},
    "clv.col.clv_total": {"nl": "CLV totaal", "en": "CLV total"},
    "clv.col.clv_share": {"nl": "% CLV", "en": "% CLV"},
    # --- churn risk ----------------------------------------------------------------------------
    "clv.risk": {"nl": "Vertrekrisico", "en": "Churn risk"},
    "clv.risk_intro": {
        "nl": "Het vertrekrisico volgt uit de kans dat een klant nog klant is: hoog onder {low}, middel onder {high}, "
              "anders laag. Het model laat een klant pas vertrekken na een herhaalaankoop, dus voor klanten die één "
              "keer kochten kan het geen risico schatten; zij staan apart (zie voor hen de status in het hoofdstuk "
              "klantverloop).",
        "en": "Churn risk follows from the probability that a customer is still a customer: high below {low}, "
              "medium below {high}, low otherwise. The model only lets a customer leave after a repeat purchase, so "
              "it cannot estimate a risk for one-time buyers; they are shown apart (see their status in the churn "
              "chapter)."},
    "clv.risk_caption": {"nl": "Klanten per vertrekrisico", "en": "Customers by churn risk"},
    "clv.risk.low": {"nl": "Laag", "en": "Low"},
    "clv.risk.medium": {"nl": "Middel", "en": "Medium"},
    "clv.risk.high": {"nl": "Hoog", "en": "High"},
    "clv.risk.one_time": {"nl": "Eenmalige kopers", "en": "One-time buyers"},
    "clv.kf_risk": {
        "nl": "{n} klanten hebben een hoog vertrekrisico; zij kochten deze periode nog voor {revenue}. In "
              "customers.csv staan ze met churn_risk = high.",
        "en": "{n} customers have a high churn risk; they still bought {revenue} worth in this period. In "
              "customers.csv they have churn_risk = high."},
    "clv.col.risk": {"nl": "Vertrekrisico", "en": "Churn risk"},
    "clv.col.share": {"nl": "Aandeel", "en": "Share"},
    "clv.col.revenue": {"nl": "Omzet periode", "en": "Period revenue"},
    "clv.col.purchases_total": {"nl": "Aankopen 12 mnd", "en": "Purchases 12 mo"},
    # --- holdout -----------------------------------------------------------------------------
    "clv.holdout": {"nl": "Hoe goed voorspelt het model?", "en": "How well does the model predict?"},
    "clv.holdout_intro": {
        "nl": "Om het model te toetsen is het opnieuw geschat op de gegevens tot en met {end} en heeft het de "
              "aankopen van de {n} klanten van toen voorspeld voor de {months} maanden daarna. De figuur zet per "
              "aantal herhaalaankopen vóór {end} de voorspelde naast de werkelijke aankopen.",
        "en": "To test the model it was fitted again on the data up to {end} and predicted the purchases of the "
              "{n} customers of that time for the {months} months after. The figure sets predicted against actual "
              "purchases per number of repeat purchases before {end}."},
    "clv.holdout_figure": {
        "nl": "Gemiddeld aantal aankoopdagen per klant in de {months} toetsmaanden, werkelijk en voorspeld, naar "
              "aantal herhaalaankopen in de schattingsperiode (grijs: aantal klanten).",
        "en": "Mean purchase days per customer in the {months} holdout months, actual and predicted, by number of "
              "repeat purchases in the calibration period (grey: number of customers)."},
    "clv.kf_holdout_over": {
        "nl": "Samen voorspelde het model {predicted} aankoopdagen; het werden er {actual}. Het model zat er {error} "
              "boven.",
        "en": "Together the model predicted {predicted} purchase days; there were {actual}. The model was {error} "
              "too high."},
    "clv.kf_holdout_under": {
        "nl": "Samen voorspelde het model {predicted} aankoopdagen; het werden er {actual}. Het model zat er {error} "
              "onder.",
        "en": "Together the model predicted {predicted} purchase days; there were {actual}. The model was {error} "
              "too low."},
    "clv.no_holdout": {"nl": "Er is geen toets op een toetsperiode.", "en": "There is no holdout check."},
    "clv.legend_actual": {"nl": "Werkelijk", "en": "Actual"},
    "clv.legend_predicted": {"nl": "Voorspeld", "en": "Predicted"},
    "clv.axis_frequency": {"nl": "Herhaalaankopen in de schattingsperiode",
                           "en": "Repeat purchases in the calibration period"},
    "clv.axis_holdout": {"nl": "Aankopen per klant", "en": "Purchases per customer"},
    # --- parameters --------------------------------------------------------------------------
    "clv.parameters": {"nl": "Modelparameters", "en": "Model parameters"},
    "clv.parameters_caption": {"nl": "Geschatte parameters (maximum likelihood, tijd in weken)",
                               "en": "Fitted parameters (maximum likelihood, time in weeks)"},
    "clv.parameters_note": {
        "nl": "BG/NBD: aankoopfrequentie gamma(r, α) verdeeld, vertrekkans na elke aankoop beta(a, b) verdeeld "
              "(Fader, Hardie & Lee, 2005). Gamma-Gamma: besteding per aankoop met parameters p, q en γ (Fader & "
              "Hardie, 2013).",
        "en": "BG/NBD: purchase rate gamma(r, α) distributed, dropout probability after each purchase beta(a, b) "
              "distributed (Fader, Hardie & Lee, 2005). Gamma-Gamma: spend per purchase with parameters p, q and γ "
              "(Fader & Hardie, 2013)."},
    "clv.correlation": {
        "nl": "Het Gamma-Gamma-model neemt aan dat besteding per aankoop los staat van het aantal aankopen; de "
              "correlatie daartussen is hier {r}.",
        "en": "The Gamma-Gamma model assumes that spend per purchase does not depend on the number of purchases; "
              "their correlation here is {r}."},
    "clv.model.bgnbd_full": {"nl": "BG/NBD", "en": "BG/NBD"},
    "clv.model.bgnbd_calibration": {"nl": "BG/NBD (toets)", "en": "BG/NBD (holdout test)"},
    "clv.model.gamma_gamma_full": {"nl": "Gamma-Gamma", "en": "Gamma-Gamma"},
    "clv.status.ok": {"nl": "geschat", "en": "fitted"},
    "clv.status.too_few": {"nl": "te weinig klanten", "en": "too few customers"},
    "clv.status.not_converged": {"nl": "niet geconvergeerd", "en": "did not converge"},
    "clv.status.no_mean": {"nl": "geen gemiddelde (q ≤ 1)", "en": "no mean (q ≤ 1)"},
    "clv.col.model": {"nl": "Model", "en": "Model"},
    "clv.col.parameters": {"nl": "Parameters", "en": "Parameters"},
    "clv.col.loglik": {"nl": "Log-likelihood", "en": "Log-likelihood"},
    "clv.col.fitted_on": {"nl": "Klanten", "en": "Customers"},
    "clv.col.status": {"nl": "Status", "en": "Status"},
}
