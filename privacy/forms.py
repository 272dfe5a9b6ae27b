from django import forms


class DeleteAccountForm(forms.Form):
    understood = forms.BooleanField(
        label="I understand that my profile, portfolio and evidence files will be erased and "
        "cannot be brought back",
        error_messages={
            "required": "Tick the box to say you understand, or go back to keep your account."
        },
    )
