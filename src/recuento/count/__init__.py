"""Counting: lists in, distinct persons and an estimate of those no list recorded."""

from recuento.count.api import CountResult, count_tables, histories_from_persons

__all__ = ["CountResult", "count_tables", "histories_from_persons"]
