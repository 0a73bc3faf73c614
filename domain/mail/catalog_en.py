"""English mail templates (the fallback for every locale). ``$name`` is filled in by
``render``; values are HTML-escaped in the HTML part, except the pre-rendered ``$items``."""

from __future__ import annotations

TEMPLATES: dict[str, dict[str, str]] = {
    "verify_email": {
        "subject": "Confirm your email for OpenChance",
        "text": "Hello $name,\n\nplease confirm that $email is your address by opening this "
                "link:\n\n$link\n\nThe link works once and expires in $hours hours. If you did "
                "not sign up for OpenChance, ignore this mail.\n",
        "html": "<p>Hello $name,</p><p>please confirm that <b>$email</b> is your address:</p>"
                "<p><a href=\"$link\">Confirm my email</a></p><p>The link works once and "
                "expires in $hours hours. If you did not sign up for OpenChance, ignore this "
                "mail.</p>",
    },
    "reset_password": {
        "subject": "Reset your OpenChance password",
        "text": "Hello $name,\n\nsomeone (hopefully you) asked to reset the password of your "
                "OpenChance account. Choose a new one here:\n\n$link\n\nThe link works once and "
                "expires in $minutes minutes. Resetting signs you out everywhere. If it was not "
                "you, ignore this mail: your password stays as it is.\n",
        "html": "<p>Hello $name,</p><p>someone (hopefully you) asked to reset the password of "
                "your OpenChance account.</p><p><a href=\"$link\">Choose a new password</a></p>"
                "<p>The link works once and expires in $minutes minutes. Resetting signs you "
                "out everywhere. If it was not you, ignore this mail: your password stays as it "
                "is.</p>",
    },
    "change_email": {
        "subject": "Confirm your new email for OpenChance",
        "text": "Hello $name,\n\nto make $email the address of your OpenChance account, open "
                "this link:\n\n$link\n\nThe link works once and expires in $hours hours.\n",
        "html": "<p>Hello $name,</p><p>to make <b>$email</b> the address of your OpenChance "
                "account:</p><p><a href=\"$link\">Confirm the new address</a></p><p>The link "
                "works once and expires in $hours hours.</p>",
    },
    "email_changed": {
        "subject": "The email of your OpenChance account changed",
        "text": "Hello $name,\n\nyour OpenChance account now uses $email. If you did not do "
                "this, reset your password at $link and write to the moderators.\n",
        "html": "<p>Hello $name,</p><p>your OpenChance account now uses <b>$email</b>. If you "
                "did not do this, <a href=\"$link\">reset your password</a> and write to the "
                "moderators.</p>",
    },
    "password_changed": {
        "subject": "Your OpenChance password changed",
        "text": "Hello $name,\n\nthe password of your OpenChance account was changed and every "
                "other session was signed out. If you did not do this, reset it at $link.\n",
        "html": "<p>Hello $name,</p><p>the password of your OpenChance account was changed and "
                "every other session was signed out. If you did not do this, "
                "<a href=\"$link\">reset it</a>.</p>",
    },
    "digest": {
        "subject": "$count new on OpenChance while you were away",
        "text": "Hello $name,\n\nwhile you were away:\n\n$items\n\nOpen OpenChance: $link\n\n"
                "--\nChoose what we mail you: $preferences\nUnsubscribe from these mails "
                "(one click): $unsubscribe\n",
        "html": "<p>Hello $name,</p><p>while you were away:</p><ul>$items</ul>"
                "<p><a href=\"$link\">Open OpenChance</a></p><hr><p style=\"font-size:small\">"
                "<a href=\"$preferences\">Choose what we mail you</a> · "
                "<a href=\"$unsubscribe\">Unsubscribe from these mails</a></p>",
    },
}
