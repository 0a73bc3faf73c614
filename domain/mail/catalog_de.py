"""German mail templates; a template missing here falls back to English."""

from __future__ import annotations

TEMPLATES: dict[str, dict[str, str]] = {
    "verify_email": {
        "subject": "Bestätige deine E-Mail-Adresse für OpenChance",
        "text": "Hallo $name,\n\nbitte bestätige, dass $email deine Adresse ist:\n\n$link\n\n"
                "Der Link gilt einmal und läuft in $hours Stunden ab.\n",
        "html": "<p>Hallo $name,</p><p>bitte bestätige, dass <b>$email</b> deine Adresse "
                "ist:</p><p><a href=\"$link\">E-Mail bestätigen</a></p><p>Der Link gilt einmal "
                "und läuft in $hours Stunden ab.</p>",
    },
    "reset_password": {
        "subject": "Setze dein OpenChance-Passwort zurück",
        "text": "Hallo $name,\n\nwähle hier ein neues Passwort:\n\n$link\n\nDer Link gilt "
                "einmal und läuft in $minutes Minuten ab. Danach bist du überall abgemeldet.\n",
        "html": "<p>Hallo $name,</p><p><a href=\"$link\">Neues Passwort wählen</a></p><p>Der "
                "Link gilt einmal und läuft in $minutes Minuten ab. Danach bist du überall "
                "abgemeldet.</p>",
    },
    "digest": {
        "subject": "$count Neuigkeiten auf OpenChance",
        "text": "Hallo $name,\n\nwährend du weg warst:\n\n$items\n\nOpenChance öffnen: $link\n"
                "\n--\nEinstellungen: $preferences\nAbbestellen (ein Klick): $unsubscribe\n",
        "html": "<p>Hallo $name,</p><p>während du weg warst:</p><ul>$items</ul><p><a "
                "href=\"$link\">OpenChance öffnen</a></p><hr><p style=\"font-size:small\"><a "
                "href=\"$preferences\">Einstellungen</a> · <a href=\"$unsubscribe\">Abbestellen"
                "</a></p>",
    },
}
