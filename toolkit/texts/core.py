"""Report texts of the spine: the report frame, the data-quality chapter and the customer pyramid.

Every key maps to ``{"nl": ..., "en": ...}``; :mod:`toolkit.i18n` merges this module
with every other module in :mod:`toolkit.texts`.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # --- report frame -------------------------------------------------------------------------
    "report.title": {"nl": "Klantpiramide", "en": "Customer pyramid"},
    "report.subtitle": {"nl": "Analyse van het klantenbestand", "en": "Customer base analysis"},
    "report.reference_date": {"nl": "Referentiedatum", "en": "Reference date"},
    "report.period": {"nl": "Analyseperiode", "en": "Analysis period"},
    "report.prepared_by": {"nl": "Opgesteld door", "en": "Prepared by"},
    "report.data_source": {"nl": "Gegevensbron", "en": "Data source"},
    "report.toc": {"nl": "Inhoud", "en": "Contents"},
    "report.page": {"nl": "Pagina", "en": "Page"},
    "report.of": {"nl": "van", "en": "of"},
    "report.figure": {"nl": "Figuur", "en": "Figure"},
    "report.table": {"nl": "Tabel", "en": "Table"},
    "report.generated_with": {"nl": "Gemaakt met Klantpiramide {version}", "en": "Made with Klantpiramide {version}"},
    "report.chapter_failed": {
        "nl": "Dit hoofdstuk kon niet worden gemaakt: {error}",
        "en": "This chapter could not be produced: {error}"},
    "period.range": {"nl": "{start} t/m {end}", "en": "{start} to {end}"},
    "chapter.quality": {"nl": "Gegevens en kwaliteit", "en": "Data and quality"},
    "chapter.pyramid": {"nl": "Klantpiramide", "en": "Customer pyramid"},
    # --- pyramid layers and classes -----------------------------------------------------------
    "layer.top": {"nl": "Top", "en": "Top"},
    "layer.large": {"nl": "Groot", "en": "Large"},
    "layer.medium_large": {"nl": "Middelgroot", "en": "Medium-large"},
    "layer.medium_small": {"nl": "Middelklein", "en": "Medium-small"},
    "layer.small": {"nl": "Klein", "en": "Small"},
    "layer.inactive": {"nl": "Inactief", "en": "Inactive"},
    "layer.prospect": {"nl": "Prospects", "en": "Prospects"},
    "layer.total": {"nl": "Totaal", "en": "Total"},
    "layer.buyers": {"nl": "Kopers", "en": "Buyers"},
    # --- table headers ------------------------------------------------------------------------
    "col.layer": {"nl": "Laag", "en": "Layer"},
    "col.share_def": {"nl": "Definitie", "en": "Definition"},
    "col.customers": {"nl": "Klanten", "en": "Customers"},
    "col.customer_share": {"nl": "% kopers", "en": "% buyers"},
    "col.revenue": {"nl": "Omzet", "en": "Revenue"},
    "col.revenue_share": {"nl": "% omzet", "en": "% revenue"},
    "col.margin": {"nl": "Marge", "en": "Margin"},
    "col.margin_share": {"nl": "% marge", "en": "% margin"},
    "col.revenue_per_customer": {"nl": "Per klant", "en": "Per customer"},
    "col.abc_class": {"nl": "Klasse", "en": "Class"},
    "col.file": {"nl": "Bestand", "en": "File"},
    "col.role": {"nl": "Inhoud", "en": "Content"},
    "col.format": {"nl": "Formaat", "en": "Format"},
    "col.rows_read": {"nl": "Rijen gelezen", "en": "Rows read"},
    "col.rows_usable": {"nl": "Bruikbaar", "en": "Usable"},
    "col.rows_excluded": {"nl": "Uitgesloten", "en": "Excluded"},
    "col.rows": {"nl": "Regels", "en": "Lines"},
    "col.amount": {"nl": "Bedrag", "en": "Amount"},
    "col.item": {"nl": "Post", "en": "Item"},
    "col.reason": {"nl": "Reden", "en": "Reason"},
    "col.line": {"nl": "Regel", "en": "Line"},
    "col.column": {"nl": "Kolom", "en": "Column"},
    "col.value": {"nl": "Waarde", "en": "Value"},
    "col.month": {"nl": "Maand", "en": "Month"},
    "col.fingerprint": {"nl": "Vingerafdruk (SHA-256)", "en": "Fingerprint (SHA-256)"},
    "role.transactions": {"nl": "Transacties", "en": "Transactions"},
    "role.customers": {"nl": "Klantenbestand", "en": "Customer master"},
    # --- data quality -------------------------------------------------------------------------
    "quality.intro": {
        "nl": "Dit hoofdstuk laat zien welke gegevens de analyse gebruikt, wat er is uitgesloten en waarom. "
              "Elke euro uit het bronbestand is verantwoord: gelezen = gebruikt + uitgesloten.",
        "en": "This chapter shows which data the analysis uses, what was excluded and why. Every euro in the "
              "source file is accounted for: read = used + excluded."},
    "quality.files": {"nl": "Bronbestanden", "en": "Source files"},
    "quality.coverage": {
        "nl": "De transacties lopen van {first} tot en met {last} ({months} maanden). De analyseperiode is "
              "{period}; de vergelijkingsperiode daarvoor is {previous}.",
        "en": "The transactions run from {first} to {last} ({months} months). The analysis period is {period}; "
              "the comparison period before it is {previous}."},
    "quality.reconciliation": {"nl": "Aansluiting van de omzet", "en": "Revenue reconciliation"},
    "quality.reconciliation_intro": {
        "nl": "Het totaal van de bedragkolom '{column}' sluit aan op de cent: het gelezen bedrag is gelijk aan "
              "het gebruikte bedrag plus de uitgesloten bedragen.",
        "en": "The total of the amount column '{column}' reconciles to the cent: the amount read equals the amount "
              "used plus the amounts excluded."},
    "quality.row_read": {"nl": "Gelezen uit het bestand", "en": "Read from the file"},
    "quality.row_usable": {"nl": "Gebruikt in de analyse", "en": "Used in the analysis"},
    "quality.row_in_period": {"nl": "waarvan in de analyseperiode", "en": "of which in the analysis period"},
    "quality.row_before_period": {"nl": "waarvan daarvoor", "en": "of which before it"},
    "quality.row_excluded": {"nl": "Uitgesloten: {reason}", "en": "Excluded: {reason}"},
    "quality.row_difference": {"nl": "Verschil", "en": "Difference"},
    "quality.no_amount": {"nl": "n.v.t.", "en": "n/a"},
    "quality.examples": {"nl": "Voorbeelden van uitgesloten regels", "en": "Examples of excluded lines"},
    "quality.examples_intro": {
        "nl": "Per reden ten hoogste vijf voorbeelden, met het regelnummer in het bronbestand, zodat de bron "
              "gecorrigeerd kan worden.",
        "en": "At most five examples per reason, with the line number in the source file, so the source can be "
              "corrected."},
    "quality.nothing_excluded": {"nl": "Er is geen enkele regel uitgesloten.", "en": "No line was excluded."},
    "quality.notes": {"nl": "Opmerkingen", "en": "Notes"},
    "quality.no_notes": {"nl": "Geen bijzonderheden.", "en": "Nothing to note."},
    "quality.customers": {"nl": "Klantenbestand", "en": "Customer master"},
    "quality.customers_text": {
        "nl": "Het klantenbestand bevat {usable} klanten. Daarvan hebben {prospects} nooit gekocht (prospects). "
              "{not_in_master} klanten met transacties staan niet in het klantenbestand.",
        "en": "The customer master holds {usable} customers, of whom {prospects} never bought (prospects). "
              "{not_in_master} customers with transactions are not in the customer master."},
    "quality.customers_text_all": {
        "nl": "Het klantenbestand bevat {usable} klanten. Daarvan hebben {prospects} nooit gekocht (prospects). "
              "Alle klanten met transacties staan in het klantenbestand.",
        "en": "The customer master holds {usable} customers, of whom {prospects} never bought (prospects). Every "
              "customer with transactions is in the customer master."},
    "quality.no_customers": {
        "nl": "Er is geen klantenbestand gekoppeld; prospects ontbreken daarom in de piramide.",
        "en": "No customer master is mapped, so the pyramid shows no prospects."},
    "quality.monthly": {"nl": "Omzet per maand", "en": "Revenue per month"},
    "quality.monthly_caption": {
        "nl": "Netto omzet per maand over de hele gegevensperiode; de analyseperiode is gemarkeerd. Gaten of "
              "uitschieters wijzen op een onvolledige export.",
        "en": "Net revenue per month over the whole data period; the analysis period is highlighted. Gaps or "
              "outliers point to an incomplete export."},
    "reason.malformed_line": {"nl": "onleesbare regel (verkeerd aantal kolommen)",
                              "en": "unreadable line (wrong number of columns)"},
    "reason.duplicate_line": {"nl": "dubbele regel", "en": "duplicate line"},
    "reason.missing_customer_id": {"nl": "klantnummer ontbreekt", "en": "customer id missing"},
    "reason.missing_date": {"nl": "datum ontbreekt", "en": "date missing"},
    "reason.invalid_date": {"nl": "onleesbare datum", "en": "unreadable date"},
    "reason.missing_amount": {"nl": "bedrag ontbreekt", "en": "amount missing"},
    "reason.invalid_amount": {"nl": "onleesbaar bedrag", "en": "unreadable amount"},
    "reason.date_before_1900": {"nl": "datum vóór 1900", "en": "date before 1900"},
    "reason.date_in_future": {"nl": "datum in de toekomst", "en": "date in the future"},
    "reason.after_reference_date": {"nl": "na de referentiedatum", "en": "after the reference date"},
    "reason.duplicate_customer_id": {"nl": "klantnummer komt dubbel voor", "en": "customer id repeated"},
    "warn.ambiguous_dates": {
        "nl": "Alle datums in kolom '{column}' passen zowel op dag-maand als op maand-dag; gelezen als {format}. "
              "Zet date_format in de parameters als dat niet klopt.",
        "en": "Every date in column '{column}' fits both day-month and month-day; read as {format}. Set date_format "
              "in the params if that is wrong."},
    "warn.mixed_decimal_separators": {
        "nl": "Kolom '{column}' mengt decimale komma's ({comma}x) en punten ({point}x); gelezen met '{decimal}' "
              "als decimaalteken. Bedragen in de andere notatie zijn uitgesloten als onleesbaar bedrag.",
        "en": "Column '{column}' mixes decimal commas ({comma}x) and points ({point}x); read with '{decimal}' as "
              "the decimal separator. Amounts in the other notation are excluded as unreadable."},
    "warn.margin_missing": {
        "nl": "{rows} {rows|regel|regels} ({amount} omzet) {rows|heeft|hebben} geen leesbare marge in kolom "
              "'{column}'; die marge telt als 0.",
        "en": "{rows} {rows|line|lines} ({amount} revenue) {rows|has|have} no readable margin in column "
              "'{column}'; that margin counts as 0."},
    "warn.negative_lines": {
        "nl": "{rows} {rows|regel is|regels zijn} negatief (retouren en creditnota's, samen {amount}); "
              "verrekend met de omzet van de klant.",
        "en": "{rows} {rows|line is|lines are} negative (returns and credit notes, {amount} in total); netted "
              "against the customer's revenue."},
    "warn.order_id_missing": {
        "nl": "{rows} {rows|regel heeft|regels hebben} geen ordernummer in kolom '{column}'; daar telt elke "
              "koopdag als één order.",
        "en": "{rows} {rows|line has|lines have} no order id in column '{column}'; for those each purchase day "
              "counts as one order."},
    "warn.customer_date_invalid": {
        "nl": "{rows} {rows|klant heeft|klanten hebben} een onleesbare datum in kolom '{column}'; die datum is "
              "leeg gelaten.",
        "en": "{rows} {rows|customer has|customers have} an unreadable date in column '{column}'; that date is "
              "left empty."},
    "warn.ids_differ_by_leading_zeros": {
        "nl": "{n} {n|klantnummer verschilt|klantnummers verschillen} in kolom '{column}' alleen in voorloopnullen "
              "van een ander (bijvoorbeeld {examples}); ze tellen als verschillende klanten. Zijn het dezelfde "
              "klanten, corrigeer dan de export.",
        "en": "{n} customer {n|id differs|ids differ} in column '{column}' only by leading zeros from another (for "
              "example {examples}); they count as different customers. If they are the same customers, correct "
              "the export."},
    "warn.excel_merged_cells": {
        "nl": "Het Excel-blad heeft {n} {n|samengevoegd celbereik|samengevoegde celbereiken} in de gegevens "
              "(bijvoorbeeld {examples}); alleen de eerste cel daarvan heeft een waarde, de regels eronder zijn "
              "leeg gelezen. Hef de samenvoeging op en vul de waarden door.",
        "en": "The Excel sheet has {n} merged cell {n|range|ranges} in its data (for example {examples}); only the "
              "first cell of such a range holds a value, so the rows below were read as empty. Unmerge the cells "
              "and fill the values down."},
    "warn.several_date_formats": {
        "nl": "Kolom '{column}' bevat datums in meerdere notaties ({formats}); alle zijn gelezen met dezelfde "
              "volgorde van dag en maand.",
        "en": "Column '{column}' holds dates in several notations ({formats}); all were read with the same order "
              "of day and month."},
    "warn.short_history": {
        "nl": "De gegevens beginnen op {first}, na het begin van de vergelijkingsperiode ({previous_first}). "
              "Cijfers over verloren en nieuwe klanten zijn daardoor onvolledig.",
        "en": "The data starts on {first}, after the start of the comparison period ({previous_first}). Figures "
              "on lost and new customers are therefore incomplete."},
    "warn.not_buying_with_lines": {
        "nl": "{n} {n|klant had|klanten hadden} in de periode transacties maar per saldo geen positieve omzet "
              "(bijvoorbeeld alleen retouren); {n|die telt|zij tellen} als inactief.",
        "en": "{n} {n|customer|customers} had transactions in the period but no positive net revenue (returns "
              "only, for example); {n|it counts|they count} as inactive."},
    "warn.few_customers": {
        "nl": "De analyse telt maar {n} kopende {n|klant|klanten}; de bovenste lagen van de piramide bevatten "
              "daardoor maar enkele klanten en zijn gevoelig voor toeval.",
        "en": "The analysis has only {n} buying {n|customer|customers}, so the top layers of the pyramid hold only "
              "a few customers and are sensitive to chance."},
    # --- pyramid chapter ----------------------------------------------------------------------
    "pyramid.intro": {
        "nl": "De klantpiramide rangschikt de {n} klanten die in de analyseperiode per saldo kochten naar "
              "{basis}: de bovenste 1% vormt de toplaag, de volgende 4% de grote klanten, dan 15% middelgroot, "
              "30% middelklein en de onderste 50% klein. Daaronder staan de inactieve klanten (eerder gekocht, "
              "nu niet) en de prospects (in het klantenbestand, nooit gekocht).",
        "en": "The customer pyramid ranks the {n} customers with positive net purchases in the analysis period by "
              "{basis}: the top 1% forms the top layer, the next 4% the large customers, then 15% medium-large, "
              "30% medium-small and the bottom 50% small. Below them are the inactive customers (bought before, "
              "not now) and the prospects (in the customer master, never bought)."},
    "pyramid.intro_custom": {
        "nl": "De klantpiramide rangschikt de {n} klanten die in de analyseperiode per saldo kochten naar "
              "{basis} en deelt ze in lagen van {shares} van de kopers (van boven naar beneden). Daaronder staan "
              "de inactieve klanten en de prospects.",
        "en": "The customer pyramid ranks the {n} customers with positive net purchases in the analysis period by "
              "{basis} and splits them into layers of {shares} of buyers (top to bottom). Below them are the "
              "inactive customers and the prospects."},
    "basis.revenue": {"nl": "omzet", "en": "revenue"},
    "basis.margin": {"nl": "marge", "en": "margin"},
    "basis.profit": {"nl": "winst (marge min kosten om de klant te bedienen)",
                     "en": "profit (margin minus cost to serve)"},
    "pyramid.figure_caption": {
        "nl": "De klantpiramide: aantal klanten per laag en hun aandeel in de omzet van de analyseperiode.",
        "en": "The customer pyramid: customers per layer and their share of revenue in the analysis period."},
    "pyramid.table_caption": {
        "nl": "Klanten, omzet en marge per laag in de analyseperiode.",
        "en": "Customers, revenue and margin per layer in the analysis period."},
    "pyramid.key_figures": {"nl": "Kerncijfers", "en": "Key figures"},
    "pyramid.layers": {"nl": "De lagen", "en": "The layers"},
    "pyramid.pareto": {"nl": "Concentratie: de Pareto-curve en ABC-klassen",
                       "en": "Concentration: the Pareto curve and ABC classes"},
    "pyramid.pareto_intro": {
        "nl": "De Pareto-curve toont welk deel van de omzet (verticaal) van welk deel van de klanten "
              "(horizontaal) komt, van grootste naar kleinste klant. ABC-indeling: A-klanten samen tot {a}% van de "
              "omzet, B-klanten tot {b}%, C-klanten de rest.",
        "en": "The Pareto curve shows which share of revenue (vertical) comes from which share of customers "
              "(horizontal), from largest to smallest customer. ABC classes: A customers together up to {a}% of "
              "revenue, B customers up to {b}%, C customers the rest."},
    "pyramid.pareto_caption": {
        "nl": "Cumulatief aandeel in de omzet tegen het cumulatieve aandeel klanten.",
        "en": "Cumulative share of revenue against cumulative share of customers."},
    "pyramid.abc_caption": {"nl": "Klanten en omzet per ABC-klasse.", "en": "Customers and revenue per ABC class."},
    "pyramid.axis_customers": {"nl": "Aandeel klanten (van groot naar klein)",
                               "en": "Share of customers (largest first)"},
    "pyramid.axis_revenue": {"nl": "Aandeel in de omzet", "en": "Share of revenue"},
    "pyramid.equal_line": {"nl": "Gelijke verdeling", "en": "Equal distribution"},
    "pyramid.top20_marker": {"nl": "Top 20%: {share} van de omzet", "en": "Top 20%: {share} of revenue"},
    "pyramid.label": {"nl": "{n} klanten · {share} omzet", "en": "{n} customers · {share} of revenue"},
    "pyramid.label_base": {"nl": "{n} klanten", "en": "{n} customers"},
    "kf.top20_revenue": {
        "nl": "De beste 20% van de kopers ({n} klanten) zorgt voor {share} van de omzet.",
        "en": "The best 20% of buyers ({n} customers) bring {share} of revenue."},
    "kf.top20_margin": {
        "nl": "De 20% kopers met de hoogste marge leveren {share} van de totale marge{over}.",
        "en": "The 20% of buyers with the highest margin deliver {share} of total margin{over}."},
    "kf.top20_margin_over": {
        "nl": " — meer dan 100%: de overige klanten kosten per saldo marge",
        "en": " — over 100%: the other customers cost margin on balance"},
    "kf.top_layer": {
        "nl": "De toplaag ({n} klanten, {cshare} van de kopers) is goed voor {share} van de omzet; een topklant "
              "koopt gemiddeld voor {avg}, {times} keer zoveel als een gemiddelde koper.",
        "en": "The top layer ({n} customers, {cshare} of buyers) accounts for {share} of revenue; a top customer "
              "buys {avg} on average, {times} times the average buyer."},
    "kf.new_existing": {
        "nl": "{share_existing} van de omzet komt van bestaande klanten; {n_new} nieuwe klanten brachten {rev_new} "
              "({share_new}).",
        "en": "{share_existing} of revenue comes from existing customers; {n_new} new customers brought {rev_new} "
              "({share_new})."},
    "kf.lost": {
        "nl": "{n_lost} klanten die in de vorige periode kochten, kochten in deze periode niet meer; samen waren "
              "zij in de vorige periode goed voor {rev_lost}. Van de {n_prev} kopers van de vorige periode kocht "
              "{retention} opnieuw.",
        "en": "{n_lost} customers who bought in the previous period did not buy in this period; together they "
              "accounted for {rev_lost} in the previous period. Of the {n_prev} buyers of the previous period, "
              "{retention} bought again."},
    "kf.base": {
        "nl": "In totaal telt het bestand {buying} kopende klanten, {inactive} inactieve klanten en {prospects} "
              "prospects. De omzet in de analyseperiode is {revenue}, gemiddeld {avg} per kopende klant.",
        "en": "In total the base holds {buying} buying customers, {inactive} inactive customers and {prospects} "
              "prospects. Revenue in the analysis period is {revenue}, {avg} per buying customer on average."},
    "abc.A": {"nl": "A", "en": "A"},
    "abc.B": {"nl": "B", "en": "B"},
    "abc.C": {"nl": "C", "en": "C"},
}
