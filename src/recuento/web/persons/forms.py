"""The search form of the persons pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

SEX_CHOICES = (("", _("any")), ("F", _("female")), ("M", _("male")), ("X", _("other")))


class SearchForm(forms.Form):
    """A name (accents, case and nicknames ignored), and optional year of birth and sex."""

    q = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_(
            "Any words of the name, in any order; accents, capitals and nicknames "
            "(Lupita, Chuy, Pepe...) do not matter."
        ),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"), min_value=1800, max_value=2100, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False)
