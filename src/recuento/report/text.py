"""Every string the count report shows, in English and Spanish.

The page (:mod:`recuento.report.html`) and the charts (:mod:`recuento.report.svg`) take
their words from here and nowhere else, so a translation is one edit in one file. Reject
reasons and field warnings come from :mod:`recuento.lists.messages`, and the estimator's
warnings carry their own Spanish version (:class:`recuento.estimate.messages.Text`).
"""

# Spanish words that codespell takes for English misspellings carry an inline ignore
# marker, which pushes those lines past the length limit.
# ruff: noqa: E501

from __future__ import annotations

import math
from typing import Literal

Lang = Literal["es", "en"]

TEXT: dict[str, dict[Lang, str]] = {
    "title": {"en": "Count report", "es": "Informe de conteo"},
    "subtitle": {
        "en": "How many people the lists document, and how many no list recorded",
        "es": "Cuántas personas documentan las listas y cuántas no registró ninguna lista",
    },
    "generated": {"en": "Made by recuento {version} on {date}.",
                  "es": "Hecho con recuento {version} el {date}."},
    "privacy": {
        "en": "This report shows counts and aggregates only: no names, no record ids, no "
        "dates of birth.",
        "es": "Este informe muestra solo conteos y agregados: ningún nombre, ningún "
        "identificador de registro, ninguna fecha de nacimiento.",
    },
    "contents": {"en": "Contents", "es": "Contenido"},
    "summary": {"en": "In short", "es": "En resumen"},
    "summary_estimate": {
        "en": "The {lists} lists document {documented} distinct people. Counting those no "
        "list recorded, the estimated total is {estimate} ({level} interval {lower} to "
        "{upper}), so about {undocumented} people are missing from every list.",
        "es": "Las {lists} listas documentan a {documented} personas distintas. Contando a "
        "las que ninguna lista registró, el total estimado es {estimate} (intervalo del "
        "{level}: {lower} a {upper}); faltan en todas las listas unas {undocumented} "
        "personas.",
    },
    "summary_none": {
        "en": "The {lists} lists document {documented} distinct people. The data cannot "
        "support an estimate of those no list recorded (see the warnings): {documented} is "
        "a minimum, not a total.",
        "es": "Las {lists} listas documentan a {documented} personas distintas. Los datos no "
        "sostienen una estimación de las que ninguna lista registró (vea las advertencias): "
        "{documented} es un mínimo, no un total.",
    },
    # section titles
    "sec_lists": {"en": "The lists", "es": "Las listas"},
    "sec_overlaps": {"en": "Overlaps between lists", "es": "Coincidencias entre listas"},
    "sec_documented": {"en": "Documented persons", "es": "Personas documentadas"},
    "sec_estimates": {"en": "Estimates", "es": "Estimaciones"},
    "sec_linkage": {"en": "Linkage diagnostics", "es": "Diagnóstico del enlace"},
    "sec_methods": {"en": "Methods and assumptions", "es": "Métodos y supuestos"},
    "sec_warnings": {"en": "Warnings", "es": "Advertencias"},
    "sec_repro": {"en": "Reproducibility", "es": "Reproducibilidad"},
    # lists
    "lists_intro": {
        "en": "Every row read is either accepted or rejected with its reason; rows are "
        "counted here, never shown.",
        "es": "Cada fila leída se acepta o se rechaza con su motivo; aquí se cuentan las "
        "filas, nunca se muestran.",
    },
    "col_list": {"en": "List", "es": "Lista"},
    "col_format": {"en": "Format", "es": "Formato"},
    "col_read": {"en": "Read", "es": "Leídas"},
    "col_accepted": {"en": "Accepted", "es": "Aceptadas"},
    "col_rejected": {"en": "Rejected", "es": "Rechazadas"},
    "col_persons": {"en": "Persons", "es": "Personas"},
    "col_only": {"en": "Only on this list", "es": "Solo en esta lista"},
    "col_total": {"en": "Total", "es": "Total"},
    "col_reason": {"en": "Reason", "es": "Motivo"},
    "col_rows": {"en": "Rows", "es": "Filas"},
    "col_warning": {"en": "Warning", "es": "Aviso"},
    "rejects_title": {"en": "Rejected rows by reason", "es": "Filas rechazadas por motivo"},
    "no_rejects": {"en": "No row was rejected.", "es": "No se rechazó ninguna fila."},
    "field_warnings_title": {
        "en": "Values that could not be read or look wrong (the rows were kept)",
        "es": "Valores que no se pudieron leer o parecen erróneos (las filas se conservaron)",
    },
    "no_field_warnings": {"en": "No value needed a warning.",
                          "es": "Ningún valor necesitó aviso."},
    "accepted_chart": {"en": "Accepted records per list", "es": "Registros aceptados por lista"},
    # overlaps
    "overlaps_intro": {
        "en": "Each column is one combination of lists (a capture pattern): the dots show "
        "which lists recorded the person, the bar how many persons have that combination. "
        "These counts are what the estimate is computed from.",
        "es": "Cada columna es una combinación de listas (un patrón de captura): los puntos "
        "indican qué listas registraron a la persona y la barra cuántas personas tienen esa "
        "combinación. La estimación se calcula a partir de estos conteos.",
    },
    "col_pattern": {"en": "Lists", "es": "Listas"},
    "col_count": {"en": "Persons", "es": "Personas"},
    "overlap_chart": {"en": "Persons by combination of lists",
                      "es": "Personas por combinación de listas"},
    "overlap_top": {
        "en": "(the {n} most common of {total} combinations; the table lists them all)",
        "es": "(las {n} combinaciones más frecuentes de {total}; la tabla las lista todas)",
    },
    # documented
    "documented_intro": {
        "en": "A documented person is one recorded by at least one list, after linking the "
        "records that refer to the same person within and across lists.",
        "es": "Una persona documentada es una que registró al menos una lista, después de "
        "enlazar los registros que se refieren a la misma persona dentro de cada lista y "
        "entre listas.",
    },
    "records_total": {"en": "Accepted records", "es": "Registros aceptados"},
    "documented_total": {"en": "Documented persons", "es": "Personas documentadas"},
    "on_several": {"en": "Persons on more than one list",
                   "es": "Personas en más de una lista"},
    "with_several_records": {"en": "Persons with more than one record",
                             "es": "Personas con más de un registro"},
    "year_title": {"en": "By year of the event", "es": "Por año del hecho"},
    "year_intro": {
        "en": "Documented persons by the year of the event (the year most of a person's "
        "records give).",
        "es": "Personas documentadas por año del hecho (el año que da la mayoría de los "
        "registros de la persona).",
    },
    "year_intro_strata": {
        "en": "Documented persons (bars) and the estimate with its interval (dot and line) "
        "for each year.",
        "es": "Personas documentadas (barras) y la estimación con su intervalo (punto y "
        "línea) de cada año.",
    },
    "year_unknown": {"en": "{n} documented persons have no year of the event.",
                     "es": "{n} personas documentadas no tienen año del hecho."},
    "col_year": {"en": "Year", "es": "Año"},
    "year_chart": {"en": "Documented persons per year", "es": "Personas documentadas por año"},
    # estimates
    "estimates_intro": {
        "en": "Two estimates of the total (documented plus those no list recorded). The "
        "first carries the uncertainty of the linkage: the records were linked again under "
        "several clustering thresholds and the estimates pooled, so its interval is wider "
        "when the linkage decision moves the count. The second is conditional on the best "
        "linkage alone, as if every link were certain. Quote the first.",
        "es": "Dos estimaciones del total (documentadas más las que ninguna lista registró). "
        "La primera incluye la incertidumbre del enlace: los registros se enlazaron de nuevo "
        "con varios umbrales de agrupación y las estimaciones se combinaron, así que su "  # codespell:ignore
        "intervalo es más ancho cuando la decisión de enlace cambia el conteo. La segunda "
        "está condicionada al mejor enlace, como si cada enlace fuera seguro. Cite la "
        "primera.",
    },
    "col_which": {"en": "Estimate", "es": "Estimación"},
    "col_documented": {"en": "Documented", "es": "Documentadas"},
    "col_estimate": {"en": "Estimated total", "es": "Total estimado"},
    "col_interval": {"en": "{level} interval", "es": "Intervalo del {level}"},
    "col_undocumented": {"en": "Not on any list", "es": "En ninguna lista"},
    "col_method": {"en": "Method", "es": "Método"},
    "with_linkage": {"en": "With linkage uncertainty (quote this one)",
                     "es": "Con la incertidumbre del enlace (cite esta)"},
    "conditional": {"en": "Conditional on the best linkage",
                    "es": "Condicionada al mejor enlace"},
    "no_estimate": {"en": "no estimate", "es": "sin estimación"},
    "unbounded": {"en": "no upper bound", "es": "sin límite superior"},
    "estimate_chart": {"en": "Documented and estimated total",
                       "es": "Documentadas y total estimado"},
    "strata_title": {"en": "By stratum ({by})", "es": "Por estrato ({by})"},
    "strata_intro": {
        "en": "Each stratum estimated on its own, with linkage uncertainty (its posterior "
        "draws pooled over the same linkages as the total) where it could carry it, and "
        "conditional on the best linkage in the last columns. A stratum with fewer than 3 "
        "lists with records gets only its conditional estimate (the warnings say which). "
        "The total adds the strata up.",
        "es": "Cada estrato se estimó por separado, con la incertidumbre del enlace (sus "
        "extracciones a posteriori combinadas sobre los mismos enlaces que el total) donde "
        "pudo incluirla, y condicionado al mejor enlace en las últimas columnas. Un estrato "
        "con menos de 3 listas con registros recibe solo su estimación condicionada (las "
        "advertencias dicen cuáles). El total suma los estratos.",
    },
    "col_conditional": {"en": "Conditional on the best linkage",
                        "es": "Condicionada al mejor enlace"},
    "col_stratum": {"en": "Stratum", "es": "Estrato"},
    "strata_chart": {"en": "Estimate by stratum", "es": "Estimación por estrato"},
    "legend_documented": {"en": "documented", "es": "documentadas"},
    "legend_estimate": {"en": "estimate and interval", "es": "estimación e intervalo"},
    "method_lcmcr": {"en": "LCMCR (latent classes)", "es": "LCMCR (clases latentes)"},  # codespell:ignore
    "method_loglinear": {"en": "log-linear model {model}", "es": "modelo log-lineal {model}"},
    "method_loglinear_plain": {"en": "log-linear model", "es": "modelo log-lineal"},
    "method_pooled": {"en": "{method}, pooled over {k} linkages",
                      "es": "{method}, combinada sobre {k} enlaces"},
    # linkage
    "linkage_intro": {
        "en": "How sure the linkage was. Pairs of records that could be the same person were "
        "scored; each score (the match weight, in bits) says how much the compared fields "
        "favour the same person. Pairs near the decision are the uncertain ones.",
        "es": "Qué tan seguro fue el enlace. Se puntuaron los pares de registros que podían "  # codespell:ignore
        "ser la misma persona; cada puntuación (el peso de coincidencia, en bits) dice "
        "cuánto favorecen los campos comparados que sean la misma persona. Los pares cerca "  # codespell:ignore
        "de la decisión son los inciertos.",
    },
    "pairs_scored": {"en": "Pairs kept after scoring (probability at least 1%)",
                     "es": "Pares conservados tras puntuar (probabilidad de al menos 1%)"},  # codespell:ignore
    "pairs_linked": {"en": "Pairs within one person", "es": "Pares dentro de una persona"},  # codespell:ignore
    "pairs_uncertain": {
        "en": "Uncertain pairs (probability between {low} and {high}): worth a person's review",
        "es": "Pares inciertos (probabilidad entre {low} y {high}): conviene que una persona "  # codespell:ignore
        "los revise",
    },
    "prior": {"en": "Prior probability that two random records are the same person",
              "es": "Probabilidad a priori de que dos registros al azar sean la misma persona"},
    "weights_chart": {"en": "Match weight of the scored pairs",
                      "es": "Peso de coincidencia de los pares puntuados"},  # codespell:ignore
    "axis_weight": {"en": "match weight (bits)", "es": "peso de coincidencia (bits)"},
    "axis_pairs": {"en": "pairs", "es": "pares"},  # codespell:ignore
    "mark_threshold": {"en": "linking threshold ({p})", "es": "umbral de enlace ({p})"},
    "band_uncertain": {"en": "uncertain", "es": "inciertos"},
    "legend_same": {"en": "linked into one person", "es": "enlazados en una persona"},
    "legend_apart": {"en": "kept apart", "es": "separados"},
    "no_pairs": {"en": "No pair of records was scored as possibly the same person.",
                 "es": "Ningún par de registros se puntuó como posiblemente la misma persona."},
    "configs_title": {"en": "Persons under each linkage configuration",
                      "es": "Personas con cada configuración de enlace"},
    "configs_intro": {
        "en": "The clustering thresholds whose estimates were pooled: a link weaker than the "
        "first never joins two records; groups join only if their average link reaches "
        "the second.",
        "es": "Los umbrales de agrupación cuyas estimaciones se combinaron: un enlace más "
        "débil que el primero nunca une dos registros; los grupos se unen solo si su enlace "
        "medio alcanza el segundo.",
    },
    "col_min_edge": {"en": "Weakest link allowed", "es": "Enlace más débil permitido"},
    "col_min_average": {"en": "Average link needed", "es": "Enlace medio necesario"},
    "timing": {"en": "Linkage took {seconds} s.", "es": "El enlace tardó {seconds} s."},
    "blocking_recall": {
        "en": "Blocking recall estimate: pairs of records put in one person that a blocking "
        "rule compared directly",
        "es": "Estimación de la cobertura del bloqueo: pares de registros puestos en una "
        "persona que una regla de bloqueo comparó directamente",
    },
    "blocking_recall_value": {"en": "{share} ({compared} of {pairs})",
                              "es": "{share} ({compared} de {pairs})"},
    "blocking_recall_none": {"en": "nothing to measure (no person has two records)",
                             "es": "nada que medir (ninguna persona tiene dos registros)"},
    "blocking_recall_caveat": {
        "en": "Not every pair of records is scored: only pairs that share a key (a blocking "
        "rule, such as two names that sound alike or the same date of birth) are compared. "
        "A pair never compared can be joined only through other records. The blocking "
        "recall estimate is an upper bound on the share of true pairs ever compared: it is "
        "measured on the persons the linkage found, so true pairs that ended up in "
        "different persons are not seen. A high value is no proof that nobody was missed; "
        "a low one is a warning.",
        "es": "No se puntúa cada par de registros: solo se comparan los pares que comparten "
        "una clave (una regla de bloqueo, como dos nombres que suenan igual o la misma "
        "fecha de nacimiento). Un par que nunca se comparó solo puede unirse a través de "
        "otros registros. La estimación de la cobertura del bloqueo es una cota superior de "
        "la proporción de pares verdaderos que se compararon: se mide sobre las personas "
        "que encontró el enlace, así que no ve los pares verdaderos que quedaron en "
        "personas distintas. Un valor alto no prueba que no se haya perdido a nadie; uno "
        "bajo es una advertencia.",
    },
    "blocking_recall_low": {
        "en": "Warning: the blocking recall estimate is below {limit}. The linkage relies on "
        "chaining records through others; true pairs it never compared may have been left "
        "apart, and missed links look like extra people, which inflates the estimate.",
        "es": "Advertencia: la estimación de la cobertura del bloqueo está por debajo del "
        "{limit}. El enlace depende de encadenar registros a través de otros; pares "
        "verdaderos que nunca comparó pueden haber quedado separados, y los enlaces "
        "perdidos parecen personas de más, lo que infla la estimación.",
    },
    # methods
    "m_linkage_trained": {
        "en": "Linkage: the records of all {lists} lists were standardised (names, dates, "
        "places) and linked at once with a Fellegi-Sunter model (Splink on {engine}) trained "
        "without labels on these records, comparing {comparisons}. Candidate pairs came "
        "from {rules} blocking rules. Records were grouped into persons when their link "
        "probability reached {edge} and a group's average link reached {average}.",
        "es": "Enlace: los registros de las {lists} listas se estandarizaron (nombres, "
        "fechas, lugares) y se enlazaron a la vez con un modelo de Fellegi-Sunter (Splink "
        "sobre {engine}) entrenado sin etiquetas con estos registros, comparando "
        "{comparisons}. Los pares candidatos salieron de {rules} reglas de bloqueo. Los "  # codespell:ignore
        "registros se agruparon en personas cuando la probabilidad de su enlace llegó a "
        "{edge} y el enlace medio del grupo a {average}.",
    },
    "m_linkage_reused": {
        "en": "Linkage: the records of all {lists} lists were standardised (names, dates, "
        "places) and linked at once with a saved Fellegi-Sunter model (Splink on {engine}), "
        "comparing {comparisons}. Candidate pairs came from {rules} blocking rules. Records "
        "were grouped into persons when their link probability reached {edge} and a "
        "group's average link reached {average}.",
        "es": "Enlace: los registros de las {lists} listas se estandarizaron (nombres, "
        "fechas, lugares) y se enlazaron a la vez con un modelo de Fellegi-Sunter guardado "
        "(Splink sobre {engine}), comparando {comparisons}. Los pares candidatos salieron de "  # codespell:ignore
        "{rules} reglas de bloqueo. Los registros se agruparon en personas cuando la "
        "probabilidad de su enlace llegó a {edge} y el enlace medio del grupo a {average}.",
    },
    "m_blocking_recall": {
        "en": "Blocking: the blocking rules compared directly {share} of the pairs of records "
        "put in the same person (the blocking recall estimate); a pair no rule compares can "
        "be joined only through other records. It is an optimistic upper bound on the share "
        "of true pairs compared, since true pairs left in different persons cannot be seen.",
        "es": "Bloqueo: las reglas de bloqueo compararon directamente el {share} de los "
        "pares de registros puestos en la misma persona (la estimación de la cobertura del "
        "bloqueo); un par que ninguna regla compara solo puede unirse a través de otros "
        "registros. Es una cota superior optimista de la proporción de pares verdaderos "
        "comparados, porque no puede ver los pares verdaderos que quedaron en personas "
        "distintas.",
    },
    "m_linkage_single": {
        "en": "Linkage: there was a single record, so nothing was linked.",
        "es": "Enlace: había un solo registro, así que no se enlazó nada.",
    },
    "m_lcmcr": {
        "en": "Estimation: multiple systems estimation with LCMCR, the Bayesian latent-class "
        "model of Manrique-Vallier (2016, Biometrics 72(4)), which HRDAG has used since "
        "2016. It was chosen because {k} lists have records: with three or more lists it "
        "can model people who are easier or harder to record than others (heterogeneity) "
        "without betting on one log-linear model. The estimate is the posterior median "
        "and the interval an equal-tail credible interval.",
        "es": "Estimación: estimación de sistemas múltiples con LCMCR, el modelo bayesiano "
        "de clases latentes de Manrique-Vallier (2016, Biometrics 72(4)), que HRDAG usa "  # codespell:ignore
        "desde 2016. Se eligió porque {k} listas tienen registros: con tres o más listas "
        "puede modelar a personas más fáciles o más difíciles de registrar que otras "
        "(heterogeneidad) sin apostar por un solo modelo log-lineal. La estimación es la "
        "mediana a posteriori y el intervalo, un intervalo de credibilidad de colas "
        "iguales.",
    },
    "m_lcmcr_asked": {
        "en": "Estimation: multiple systems estimation with LCMCR, the Bayesian latent-class "
        "model of Manrique-Vallier (2016, Biometrics 72(4)), as asked. The estimate is the "
        "posterior median and the interval an equal-tail credible interval.",
        "es": "Estimación: estimación de sistemas múltiples con LCMCR, el modelo bayesiano "
        "de clases latentes de Manrique-Vallier (2016, Biometrics 72(4)), como se pidió. "  # codespell:ignore
        "La estimación es la mediana a posteriori y el intervalo, un intervalo de "
        "credibilidad de colas iguales.",
    },
    "m_priors": {
        "en": "Priors and sampler: at most {K} latent classes (a truncated Dirichlet "
        "process), its concentration Gamma({a}, {b}) (shape, rate), capture probabilities "
        "Beta(1, 1) in each class, and p(N) proportional to 1/N. {chains} chains of "
        "{burnin} warm-up sweeps, then {samples} draws each, one every {thin} sweeps.",
        "es": "A priori y muestreador: a lo sumo {K} clases latentes (un proceso de "  # codespell:ignore
        "Dirichlet truncado), su concentración Gamma({a}, {b}) (forma, tasa), "
        "probabilidades de captura Beta(1, 1) en cada clase y p(N) proporcional a 1/N. "
        "{chains} cadenas de {burnin} barridos de calentamiento y luego {samples} "
        "extracciones cada una, una cada {thin} barridos.",
    },
    "m_dependent": {
        "en": "Lists named as depending on one another: {groups}. Within each latent class "
        "the lists of each group were modelled jointly (a free distribution over which of "
        "them record a person, Dirichlet(1, ..., 1) a priori) instead of independently.",
        "es": "Listas indicadas como dependientes entre sí: {groups}. Dentro de cada clase "
        "latente, las listas de cada grupo se modelaron juntas (una distribución libre "
        "sobre cuáles de ellas registran a una persona, Dirichlet(1, ..., 1) a priori) en "
        "lugar de independientes.",
    },
    "m_dependent_auto": {
        "en": "The lists that depend on one another were chosen from the data "
        "(--dependent auto). When the two-class latent-class model without dependence did "
        "not fit the overlaps, each pair of lists was tried as dependent, and the pair that "
        "made the model fit best was modelled jointly. With four lists that pair and the "
        "other two lists fit equally well, so each half was modelled in turn and the two "
        "posteriors were given equal weight. Each table was decided on its own (each "
        "stratum, each linkage configuration).",
        "es": "Las listas que dependen entre sí se eligieron a partir de los datos "
        "(--dependent auto). Cuando el modelo de dos clases latentes sin dependencia no se "
        "ajustó a las coincidencias, se probó cada par de listas como dependiente, y las "
        "listas del par con el que el modelo se ajustó mejor se modelaron juntas. Con cuatro "
        "listas, ese par y las otras dos listas se ajustan igual de bien, así que cada mitad "
        "se modeló por turno y las dos distribuciones a posteriori recibieron el mismo peso. "
        "Cada tabla se decidió por separado (cada estrato, cada configuración del enlace).",
    },
    "m_dependent_auto_pairs": {
        "en": "In the estimate conditional on the best clustering: {pairs}.",
        "es": "En la estimación condicional a la mejor agrupación: {pairs}.",
    },
    "m_dependent_auto_none": {
        "en": "In the estimate conditional on the best clustering no lists were modelled as "
        "dependent (the model without dependence fit, or no pair made it fit).",
        "es": "En la estimación condicional a la mejor agrupación ninguna lista se modeló "
        "como dependiente (el modelo sin dependencia se ajustó, o ningún par lo hizo "
        "ajustarse).",
    },
    "m_convergence": {
        "en": "Convergence: R-hat {rhat} (below 1.1 is good), effective sample size {ess}.",
        "es": "Convergencia: R-hat {rhat} (menos de 1,1 es bueno), tamaño efectivo de "
        "muestra {ess}.",
    },
    "m_loglinear": {
        "en": "Estimation: multiple systems estimation with a log-linear model of the "
        "{k} lists' overlaps ({reason}). The model {model} was chosen among {fitted} "
        "models by {criterion}; the estimate is its maximum-likelihood value and the "
        "interval a profile-likelihood interval.",
        "es": "Estimación: estimación de sistemas múltiples con un modelo log-lineal de las "
        "coincidencias de las {k} listas ({reason}). Se eligió el modelo {model} entre "
        "{fitted} modelos por {criterion}; la estimación es su valor de máxima "
        "verosimilitud y el intervalo, uno de verosimilitud perfil.",
    },
    "m_loglinear_given": {
        "en": "Estimation: multiple systems estimation with the log-linear model {model}, as "
        "asked; the estimate is its maximum-likelihood value and the interval a "
        "profile-likelihood interval.",
        "es": "Estimación: estimación de sistemas múltiples con el modelo log-lineal "
        "{model}, como se pidió; la estimación es su valor de máxima verosimilitud y el "
        "intervalo, uno de verosimilitud perfil.",
    },
    "reason_few_lists": {
        "en": "only {k} lists have records, and the latent-class model needs 3",
        "es": "solo {k} listas tienen registros y el modelo de clases latentes necesita 3",  # codespell:ignore
    },
    "reason_asked": {"en": "as asked", "es": "como se pidió"},
    "reason_no_lcmcr": {
        "en": "the latent-class sampler is not available in this installation",
        "es": "el muestreador de clases latentes no está disponible en esta instalación",  # codespell:ignore
    },
    "m_none": {
        "en": "Estimation: none. The overlaps between the lists cannot support an estimate "
        "of the people no list recorded (the warnings say why).",
        "es": "Estimación: ninguna. Las coincidencias entre las listas no sostienen una "
        "estimación de las personas que ninguna lista registró (las advertencias dicen "
        "por qué).",
    },
    "m_pooling": {
        "en": "Linkage uncertainty: the records were clustered again under {k} threshold "
        "pairs ({configs}), each clustering's overlaps got an LCMCR posterior, and the "
        "posterior draws were pooled with equal weight. This follows the spirit of Sadinle "
        "(2018, Annals of Applied Statistics 12(2)), who pooled draws over linkages drawn "
        "from a Bayesian linkage posterior; a range of thresholds is a simpler, documented "
        "approximation.",
        "es": "Incertidumbre del enlace: los registros se agruparon de nuevo con {k} pares "  # codespell:ignore
        "de umbrales ({configs}), las coincidencias de cada agrupación recibieron una "
        "distribución a posteriori LCMCR y las extracciones se combinaron con igual peso. "
        "Sigue la idea de Sadinle (2018, Annals of Applied Statistics 12(2)), que combinó "
        "extracciones sobre enlaces tomados de una distribución a posteriori bayesiana del "
        "enlace; un rango de umbrales es una aproximación más sencilla y documentada.",
    },
    "m_pooling_none": {
        "en": "Linkage uncertainty: not carried into the estimate (see the warnings); the "
        "numbers are conditional on the best linkage.",
        "es": "Incertidumbre del enlace: no se incluyó en la estimación (vea las "
        "advertencias); las cifras están condicionadas al mejor enlace.",
    },
    "m_strata": {
        "en": "Strata: by {by}; each stratum was estimated on its own and the strata added "
        "up. A stratum with fewer than 3 lists with records gets only a log-linear "
        "estimate, with a warning.",
        "es": "Estratos: por {by}; cada estrato se estimó por separado y los estratos se "
        "sumaron. Un estrato con menos de 3 listas con registros recibe solo una "
        "estimación log-lineal, con una advertencia.",
    },
    "assumptions_title": {"en": "Assumptions to weigh", "es": "Supuestos que hay que sopesar"},
    "a_closed": {
        "en": "Closed population: the lists refer to the same people, place and period.",
        "es": "Población cerrada: las listas se refieren a las mismas personas, el mismo "
        "lugar y el mismo periodo.",
    },
    "a_identifying": {
        "en": "How the people no list recorded relate to those recorded cannot be tested on "
        "the data; models that fit the overlaps equally well can give different totals.",
        "es": "Cómo se parecen las personas que ninguna lista registró a las registradas no "
        "se puede comprobar con los datos; modelos que ajustan igual de bien las "
        "coincidencias pueden dar totales distintos.",
    },
    "a_dependence": {
        "en": "Lists that tend to record the same people (positive dependence) not captured "
        "by the model lead to under-estimates; lists that avoid each other, to "
        "over-estimates.",
        "es": "Listas que tienden a registrar a las mismas personas (dependencia positiva) "
        "sin que el modelo lo recoja llevan a subestimar; listas que se evitan, a "
        "sobreestimar.",
    },
    "a_linkage": {
        "en": "Missed links look like extra people and inflate the estimate; false links "
        "hide people. The estimate with linkage uncertainty widens its interval by how "
        "much the linkage thresholds move the count, not by errors the model cannot see.",
        "es": "Los enlaces perdidos parecen personas de más e inflan la estimación; los "
        "enlaces falsos ocultan personas. La estimación con incertidumbre del enlace "
        "amplía su intervalo según cuánto mueven el conteo los umbrales de enlace, no por "
        "errores que el modelo no ve.",
    },
    "a_priors": {
        "en": "Bayesian results depend on their priors (the number of classes and the "
        "concentration prior above).",
        "es": "Los resultados bayesianos dependen de sus distribuciones a priori (el número "
        "de clases y la a priori de la concentración, arriba).",  # codespell:ignore
    },
    "a_rarely_recorded": {
        "en": "LCMCR assumes that, within a group of similar people, the lists record them "
        "independently. When lists feed each other (for example families who report to an "
        "NGO) it gives too low an estimate with too narrow an interval: in simulations like "
        "these lists, with that dependence, its 95% interval contained the true total in 7 "
        "of 10 cases even with perfect linkage (9 of 10 without it). The fit check among "
        "the warnings says when the lists' overlaps show it; then read the estimate as a "
        "likely lower range, or name the lists that feed one another (--dependent), which "
        "brought those simulations back to 9 of 10, as did letting the data choose them "
        "(--dependent auto).",
        "es": "LCMCR supone que, dentro de un grupo de personas parecidas, las listas las "
        "registran de forma independiente. Cuando unas listas se alimentan de otras (por "
        "ejemplo, familias que denuncian ante una ONG), da una estimación demasiado baja con "
        "un intervalo demasiado estrecho: en simulaciones parecidas a estas listas, con esa "
        "dependencia, su intervalo del 95 % contuvo el total verdadero en 7 de cada 10 "
        "casos aun con un enlace perfecto (9 de cada 10 sin ella). La comprobación de "
        "ajuste, entre las advertencias, dice cuándo lo muestran las coincidencias entre "
        "listas; entonces lea la estimación como un rango probablemente bajo, o indique las "
        "listas que se alimentan entre sí (--dependent), lo que en esas simulaciones "
        "devolvió la cobertura a 9 de cada 10, igual que dejar que las elijan los datos "
        "(--dependent auto).",
    },
    "a_dependent_named": {
        "en": "The lists named as dependent were modelled jointly; every other list is still "
        "assumed to record people independently within a class. The data alone cannot say "
        "which lists depend on one another (with four lists and two classes, a named pair "
        "and the other two lists fit the overlaps equally well), so the choice rests on "
        "what is known of how the lists were made.",
        "es": "Las listas indicadas como dependientes se modelaron juntas; se sigue "
        "suponiendo que cada una de las demás registra a las personas de forma "
        "independiente dentro de una clase. Los datos por sí solos no dicen qué listas "
        "dependen unas de otras (con cuatro listas y dos clases, un par indicado y las otras "
        "dos listas se ajustan igual de bien a las coincidencias), así que la elección "
        "descansa en lo que se sabe de cómo se hicieron las listas.",
    },
    "a_dependent_auto": {
        "en": "The lists modelled as dependent were chosen on the same data that give the "
        "estimate, by a test that can be wrong either way, and the interval does not carry "
        "the uncertainty of that choice. When how the lists were made is known, name the "
        "lists instead (--dependent A+B).",
        "es": "Las listas modeladas como dependientes se eligieron con los mismos datos que "
        "dan la estimación, mediante una prueba que puede equivocarse en ambos sentidos, y "
        "el intervalo no incluye la incertidumbre de esa elección. Si se sabe cómo se "
        "hicieron las listas, indíquelas en su lugar (--dependent A+B).",
    },
    "a_two_lists": {
        "en": "With two lists the estimate assumes the lists are independent and everyone "
        "is equally likely to be recorded; that is rarely true and usually under-estimates.",
        "es": "Con dos listas la estimación supone que las listas son independientes y que "
        "todos tienen la misma probabilidad de ser registrados; rara vez es cierto y suele "
        "subestimar.",
    },
    # warnings
    "no_warnings": {"en": "No warnings.", "es": "Sin advertencias."},
    "warnings_intro": {
        "en": "What the data cannot support, from the linkage and the estimate.",
        "es": "Lo que los datos no sostienen, del enlace y de la estimación.",
    },
    # reproducibility
    "repro_intro": {
        "en": "Running recuento again on the same files with the same seed and versions "
        "gives the same numbers.",
        "es": "Ejecutar recuento de nuevo con los mismos archivos, la misma semilla y las "
        "mismas versiones da las mismas cifras.",
    },
    "col_file": {"en": "File", "es": "Archivo"},
    "col_sha": {"en": "SHA-256", "es": "SHA-256"},
    "col_software": {"en": "Software", "es": "Programa"},
    "col_version": {"en": "Version", "es": "Versión"},
    "seed": {"en": "Seed", "es": "Semilla"},
    "seed_none": {"en": "not given", "es": "no indicada"},
    "date": {"en": "Date (UTC)", "es": "Fecha (UTC)"},
    "missing_file": {"en": "(file not found)", "es": "(archivo no encontrado)"},
    "not_installed": {"en": "not installed", "es": "no instalado"},
}  # fmt: skip

#: Sentences :mod:`recuento.count` writes in English only, with their Spanish.
KNOWN_WARNINGS: dict[str, str] = {
    "The estimate could not carry linkage uncertainty (too few lists or records for the "
    "latent-class model); the numbers are conditional on the best clustering.": (
        "La estimación no pudo incluir la incertidumbre del enlace (muy pocas listas o "
        "registros para el modelo de clases latentes); las cifras están condicionadas a la "  # codespell:ignore
        "mejor agrupación."
    ),
}


#: Names of the linkage model's comparisons (Splink ``output_column_name``).
COMPARISONS: dict[str, dict[Lang, str]] = {
    "name": {"en": "names", "es": "nombres"},
    "birth": {"en": "date of birth or age", "es": "fecha de nacimiento o edad"},
    "sex": {"en": "sex", "es": "sexo"},
    "event": {"en": "date of the event", "es": "fecha del hecho"},
    "place": {"en": "place of the event", "es": "lugar del hecho"},
    "postcode": {"en": "postcode", "es": "código postal"},
    "curp": {"en": "CURP", "es": "CURP"},
    "email": {"en": "e-mail", "es": "correo electrónico"},
}

SOFTWARE_NOTE: dict[Lang, str] = {"en": "and", "es": "y"}


def join_words(words: list[str], lang: Lang) -> str:
    """``a, b and c`` (``a, b y c``)."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {SOFTWARE_NOTE[lang]} {words[-1]}"


ENGINES: dict[str, str] = {"duckdb": "DuckDB", "spark": "Spark", "sqlite": "SQLite",
                           "postgres": "PostgreSQL"}  # fmt: skip


def engine_name(dialect: str) -> str:
    """The database engine's name for a Splink SQL dialect."""
    return ENGINES.get(dialect, dialect)


def comparison_name(name: str, lang: Lang) -> str:
    """A comparison's name in ``lang`` (unknown names stay as they are)."""
    return COMPARISONS.get(name, {}).get(lang, name)


def t(key: str, lang: Lang, **values: object) -> str:
    """The sentence ``key`` in ``lang``, with ``values`` filled in."""
    return TEXT[key][lang].format(**values)


def in_language(text: str, lang: Lang) -> str:
    """A warning in ``lang``: its own Spanish (``.es``), a known sentence, or as it is."""
    if lang == "es":
        es = getattr(text, "es", None)
        if isinstance(es, str):
            return es
        return KNOWN_WARNINGS.get(str(text), str(text))
    return str(text)


def number(x: float | None, lang: Lang) -> str:
    """A count, rounded, with thousands grouped (a narrow no-break space in Spanish)."""
    if x is None:
        return "-"
    if not math.isfinite(x):
        return "∞"
    text = f"{round(x):,}"
    return text.replace(",", "\u202f") if lang == "es" else text


def decimal(x: float, digits: int, lang: Lang) -> str:
    """A decimal number, with a decimal comma in Spanish."""
    text = f"{x:,.{digits}f}"
    if lang == "es":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def share(x: float, lang: Lang, digits: int = 1) -> str:
    """A share as a percentage with ``digits`` decimals (``98.7%``; ``98,7 %`` in Spanish)."""
    value = decimal(x * 100, digits, lang)
    return f"{value}\u00a0%" if lang == "es" else f"{value}%"


def percent(level: float, lang: Lang) -> str:
    """An interval level as a percentage (``95%``; ``95 %`` in Spanish)."""
    value = f"{level * 100:g}"
    return f"{value.replace('.', ',')}\u00a0%" if lang == "es" else f"{value}%"
