"""Report texts of the actions chapter (strategy per layer, price hints, contact plan) and the contact plan file."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "chapter.actions": {"nl": "Van segment naar actie", "en": "From segment to action"},
    "actions.intro": {
        "nl": "Elke laag vraagt een eigen aanpak: de beste klanten behouden en verder uitbouwen, de middenlagen "
              "ontwikkelen, kleine klanten efficiënt bedienen, inactieve klanten terugwinnen of loslaten en "
              "nieuwe klanten zoeken die op de beste lijken. Dit hoofdstuk vertaalt de analyse naar een actie, "
              "een contactfrequentie en een kanaal per klant.",
        "en": "Every layer calls for its own approach: retain and deepen the best customers, develop the middle "
              "layers, serve small customers efficiently, win back or let go of inactive customers, and find new "
              "customers who resemble the best. This chapter turns the analysis into an action, a contact "
              "frequency and a channel per customer."},
    "actions.strategy": {"nl": "Strategie per laag", "en": "Strategy per layer"},
    "actions.strategy_caption": {
        "nl": "Strategie, contactfrequentie en kanaal per laag.",
        "en": "Strategy, contact frequency and channel per layer."},
    "actions.col.strategy": {"nl": "Strategie", "en": "Strategy"},
    "actions.col.contacts": {"nl": "Contacten per jaar", "en": "Contacts per year"},
    "actions.col.channel": {"nl": "Kanaal", "en": "Channel"},
    "actions.col.action": {"nl": "Actie", "en": "Action"},
    "actions.col.priority": {"nl": "Prioriteit", "en": "Priority"},
    "actions.col.workload": {"nl": "Contacten per jaar (totaal)", "en": "Contacts per year (total)"},
    "strategy.retain_deepen": {
        "nl": "Behouden en uitbouwen: persoonlijk accountmanagement, meer productgroepen, vaste afspraken.",
        "en": "Retain and deepen: personal account management, more product groups, standing agreements."},
    "strategy.develop": {
        "nl": "Ontwikkelen: gerichte aanbiedingen om een laag te stijgen, aanvullende productgroepen.",
        "en": "Develop: targeted offers to move up a layer, complementary product groups."},
    "strategy.serve_efficiently": {
        "nl": "Efficiënt bedienen: goedkope kanalen, standaardvoorwaarden, prijzen die de kosten dekken.",
        "en": "Serve efficiently: low-cost channels, standard terms, prices that cover the cost."},
    "strategy.reactivate_or_let_go": {
        "nl": "Reactiveren of loslaten: waardevolle oud-klanten persoonlijk terugwinnen, de rest alleen via "
              "goedkope kanalen.",
        "en": "Reactivate or let go: win back valuable former customers personally, reach the rest through "
              "low-cost channels only."},
    "strategy.acquire_lookalikes": {
        "nl": "Werven: prospects en nieuwe klanten zoeken die lijken op de huidige topklanten.",
        "en": "Acquire: find prospects and new customers who resemble the current top customers."},
    "actions.actions": {"nl": "Acties", "en": "Actions"},
    "actions.actions_caption": {
        "nl": "Klanten, prioriteit en contactlast per aanbevolen actie.",
        "en": "Customers, priority and contact workload per recommended action."},
    "actions.rules": {
        "nl": "Klanten in de bovenste vier lagen met een risicosegment ({segments}){churn} krijgen de actie "
              "'Redden': minstens een telefonisch contact. Inactieve klanten die in de eerdere periode in "
              "middelklein of hoger stonden, worden gereactiveerd; de andere inactieve klanten worden losgelaten.",
        "en": "Customers in the top four layers with an at-risk segment ({segments}){churn} get the action "
              "'Rescue': at least a phone call. Inactive customers who were medium-small or higher in the earlier "
              "period are reactivated; the other inactive customers are let go."},
    "actions.rules_churn": {"nl": " of een churnkans van {p} of meer", "en": " or a churn probability of {p} or more"},
    "actions.workload": {
        "nl": "Samen vraagt het plan {contacts} contacten per jaar, waarvan {personal} persoonlijk "
              "(accountmanager of telefoon).",
        "en": "Together the plan asks for {contacts} contacts per year, of which {personal} personal (account "
              "manager or phone)."},
    "action.retain": {"nl": "Behouden", "en": "Retain"},
    "action.rescue": {"nl": "Redden", "en": "Rescue"},
    "action.develop": {"nl": "Ontwikkelen", "en": "Develop"},
    "action.serve_efficiently": {"nl": "Efficiënt bedienen", "en": "Serve efficiently"},
    "action.reactivate": {"nl": "Reactiveren", "en": "Reactivate"},
    "action.let_go": {"nl": "Loslaten", "en": "Let go"},
    "action.acquire": {"nl": "Werven", "en": "Acquire"},
    "channel.account_manager": {"nl": "Accountmanager", "en": "Account manager"},
    "channel.phone": {"nl": "Telefoon", "en": "Phone"},
    "channel.email": {"nl": "E-mail", "en": "E-mail"},
    "channel.newsletter": {"nl": "Nieuwsbrief", "en": "Newsletter"},
    "channel.mail": {"nl": "Post", "en": "Mail"},
    "channel.none": {"nl": "Geen", "en": "None"},
    "priority.1": {"nl": "1 – hoog", "en": "1 – high"},
    "priority.2": {"nl": "2 – gemiddeld", "en": "2 – medium"},
    "priority.3": {"nl": "3 – laag", "en": "3 – low"},
    # --- price hints ----------------------------------------------------------------------------
    "actions.price": {"nl": "Prijsadvies voor C-klanten", "en": "Price hints for C customers"},
    "actions.price_intro": {
        "nl": "C-klanten leveren samen weinig omzet op maar kosten wel bediening. De methode geeft vier regels "
              "voor prijsaanpassing: hoe lager de omzet ten opzichte van de gemiddelde klant ({avg}), hoe groter "
              "de aanpassing mag zijn; hoe groter de klant, hoe kleiner elke stap; hoe onregelmatiger de klant "
              "koopt, hoe directer de aanpassing; en klanten met betere voorwaarden dan A-klanten vallen op.",
        "en": "C customers bring little revenue together but do cost service. The method gives four rules for "
              "price adjustment: the lower the revenue relative to the average customer ({avg}), the larger the "
              "adjustment may be; the larger the customer, the smaller each step; the more irregularly the "
              "customer buys, the more direct the adjustment; and customers with better conditions than A "
              "customers stand out."},
    "actions.price_caption": {
        "nl": "C-klanten per adviesband: omzet ten opzichte van de gemiddelde klant, aanpassing en aanpak.",
        "en": "C customers per band: revenue relative to the average customer, adjustment and approach."},
    "actions.col.band": {"nl": "Omzet t.o.v. gemiddeld", "en": "Revenue vs average"},
    "actions.col.adjustment": {"nl": "Aanpassing", "en": "Adjustment"},
    "actions.col.at_once": {"nl": "In één keer", "en": "At once"},
    "actions.col.in_steps": {"nl": "In stappen", "en": "In steps"},
    "actions.col.step": {"nl": "Stap (max.)", "en": "Step (max.)"},
    "actions.band_below": {"nl": "onder {x}", "en": "below {x}"},
    "actions.band_from": {"nl": "{x} en meer", "en": "{x} and more"},
    "actions.price_irregular": {
        "nl": "{n} van de {total} C-klanten kopen onregelmatig (hoogstens {orders} order in de periode of niets "
              "in de periode daarvoor): hun aanpassing kan in één keer.",
        "en": "{n} of the {total} C customers buy irregularly (at most {orders} order in the period or nothing in "
              "the period before): their adjustment can be made at once."},
    "actions.price_better": {
        "nl": "{n} C-klanten krijgen meer korting dan {q} van de A-klanten (die {a_discount} of minder krijgen). "
              "Hun voorwaarden horen terug naar het niveau van de A-klanten, los van de prijsband.",
        "en": "{n} C customers get a higher discount than {q} of the A customers (who get {a_discount} or less). "
              "Their conditions should go back to the A customers' level, apart from the price band."},
    "actions.price_better_none": {
        "nl": "Geen enkele C-klant krijgt meer korting dan {q} van de A-klanten ({a_discount} of minder).",
        "en": "No C customer gets a higher discount than {q} of the A customers ({a_discount} or less)."},
    "actions.price_no_discount": {
        "nl": "Koppel een kortingskolom (transactions.columns.discount) om C-klanten met betere voorwaarden dan "
              "A-klanten te vinden.",
        "en": "Map a discount column (transactions.columns.discount) to find C customers with better conditions "
              "than A customers."},
    "actions.price_channel": {
        "nl": "{n} van de kleinste C-klanten (minder dan {below} van de gemiddelde omzet) kopen nu vooral via een "
              "duurder kanaal; advies: {channel}.",
        "en": "{n} of the smallest C customers (below {below} of the average revenue) now buy mainly through a "
              "more expensive channel; advice: {channel}."},
    "actions.price_no_channel": {
        "nl": "Koppel een verkoopkanaal (transactions.columns.sales_channel) en geef kosten per order per kanaal "
              "(cost_to_serve.per_order_by_channel) om de kleinste klanten een goedkoper kanaal te adviseren.",
        "en": "Map a sales channel (transactions.columns.sales_channel) and give the cost per order per channel "
              "(cost_to_serve.per_order_by_channel) to advise the smallest customers a cheaper channel."},
    "actions.price_none": {"nl": "Er zijn geen C-klanten.", "en": "There are no C customers."},
    "actions.better_caption": {
        "nl": "C-klanten met de grootste korting ten opzichte van de A-klanten.",
        "en": "C customers with the largest discount relative to the A customers."},
    "actions.col.discount": {"nl": "Korting", "en": "Discount"},
    "actions.col.gap": {"nl": "Meer dan A-klanten", "en": "Above A customers"},
    "actions.col.hint": {"nl": "Advies", "en": "Advice"},
    "actions.col.steps": {"nl": "Stappen", "en": "Steps"},
    # --- contact plan ---------------------------------------------------------------------------
    "actions.plan": {"nl": "Het contactplan", "en": "The contact plan"},
    "actions.plan_intro": {
        "nl": "Het contactplan staat in contact_plan.xlsx (een overzicht plus een tabblad per laag, te filteren) "
              "en contact_plan.csv (voor import in het CRM): één regel per klant en prospect met laag, ABC-klasse, "
              "RFM-segment, actie, contacten per jaar, kanaal en prioriteit. Het bevat alleen klantnummers, geen "
              "namen of contactgegevens. Hieronder per actie een voorbeeld.",
        "en": "The contact plan is in contact_plan.xlsx (an overview plus one filterable sheet per layer) and "
              "contact_plan.csv (for import into the CRM): one row per customer and prospect with layer, ABC class, "
              "RFM segment, action, contacts per year, channel and priority. It holds customer ids only, no names "
              "or contact details. Below is one example per action."},
    "actions.plan_caption": {"nl": "Per actie de eerste regel van het contactplan.",
                             "en": "Per action the first row of the contact plan."},
    "actions.pp": {"nl": "+{x} %-punt", "en": "+{x} pp"},
    "actions.contact_detail": {"nl": "{channel} · {n}× per jaar", "en": "{channel} · {n}× a year"},
    "plan.sheet_overview": {"nl": "Overzicht", "en": "Overview"},
    "plan.col.customer_id": {"nl": "Klantnummer", "en": "Customer id"},
    "plan.col.layer": {"nl": "Laag", "en": "Layer"},
    "plan.col.abc_class": {"nl": "ABC", "en": "ABC"},
    "plan.col.rfm_segment": {"nl": "RFM-segment", "en": "RFM segment"},
    "plan.col.action": {"nl": "Actie", "en": "Action"},
    "plan.col.contacts_per_year": {"nl": "Contacten per jaar", "en": "Contacts per year"},
    "plan.col.channel": {"nl": "Kanaal", "en": "Channel"},
    "plan.col.priority": {"nl": "Prioriteit", "en": "Priority"},
    "plan.col.revenue": {"nl": "Omzet", "en": "Revenue"},
    "plan.col.profit": {"nl": "Winst", "en": "Profit"},
    "plan.col.recency_days": {"nl": "Dagen sinds laatste aankoop", "en": "Days since last purchase"},
    "plan.col.price_hint": {"nl": "Prijsadvies", "en": "Price hint"},
    "plan.col.cheaper_channel": {"nl": "Goedkoper kanaal", "en": "Cheaper channel"},
    "plan.col.churn_probability": {"nl": "Churnkans", "en": "Churn probability"},
    "plan.col.clv": {"nl": "Klantwaarde (CLV)", "en": "Customer value (CLV)"},
    "plan.col.next_best_group": {"nl": "Volgende productgroep", "en": "Next product group"},
    "plan.col.customers": {"nl": "Klanten", "en": "Customers"},
}
