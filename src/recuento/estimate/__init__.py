"""Multiple systems estimation: how many people no list counted.

Public API (explicit re-exports):

* :func:`estimate` - one entry point: LCMCR or log-linear models, stratified or not,
  returning an :class:`EstimateResult` (numbers with their interval, method, warnings);
* :class:`CaptureHistories` and the readers :func:`read_persons` (``source,id,person_id``)
  and :func:`read_histories_table` (``list1..listK,count``), which return a
  :class:`HistoriesInput`;
* the log-linear building blocks: :func:`search_models` (every hierarchical model up to
  5 lists, stepwise beyond), :func:`fit_hierarchical`, :func:`fit_standard` (M0, Mt, Mh,
  Mth), :func:`profile_interval`, :func:`enumerate_hierarchical`,
  :func:`parse_model_name`.

The LCMCR sampler lives in :mod:`recuento.estimate.lcmcr` (``fit_lcmcr``).
"""

from recuento.estimate.api import LCMCRSettings, estimate, lcmcr_available
from recuento.estimate.heterogeneity import STANDARD_MODELS, fit_standard, profile_standard
from recuento.estimate.histories import (
    CaptureHistories,
    HistoriesInput,
    NotEstimableError,
    check_estimable,
)
from recuento.estimate.loglinear_fit import ModelFit, Search, fit_hierarchical, search_models
from recuento.estimate.loglinear_models import (
    HierarchicalModel,
    enumerate_hierarchical,
    parse_model_name,
)
from recuento.estimate.profile import ProfileInterval, profile_interval
from recuento.estimate.readers import read_histories_table, read_persons
from recuento.estimate.result import EstimateResult, StratumEstimate, format_table

__all__ = [
    "STANDARD_MODELS",
    "CaptureHistories",
    "EstimateResult",
    "HierarchicalModel",
    "HistoriesInput",
    "LCMCRSettings",
    "ModelFit",
    "NotEstimableError",
    "ProfileInterval",
    "Search",
    "StratumEstimate",
    "check_estimable",
    "enumerate_hierarchical",
    "estimate",
    "fit_hierarchical",
    "fit_standard",
    "format_table",
    "lcmcr_available",
    "parse_model_name",
    "profile_interval",
    "profile_standard",
    "read_histories_table",
    "read_persons",
    "search_models",
]
