from django import forms

from .models import Grant


class GrantForm(forms.ModelForm):
    # The version the form was opened at: a change on top of someone else's is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Grant
        fields = ["amount", "conditions"]
        widgets = {
            "amount": forms.NumberInput(attrs={"min": "0.01", "step": "0.01"}),
            "conditions": forms.Textarea(attrs={"rows": 5}),
        }
