"""The chat-bot core: everything a bot knows beyond its framework, written once for every
platform (Telegram, Discord, Slack). A platform package only wires its framework and renders.

How a platform plugs in:

1. **Who acts.** Turn the platform's user into a ``Caller`` with
   ``caller.identify(deps, Platform.X, external_id, display_name, username, COMMANDS)``.
   ``COMMANDS`` says how the platform spells its verbs (``{"list": "/challenge list", ...}``;
   see ``caller.Commands``) so hints in answers name the right command.
2. **Commands.** Read the words with ``grammar`` (``grammar.submission(text)`` reads
   "ID N NOTE", ``grammar.review`` "ID RATING TEXT", ``grammar.challenge_form`` a whole post)
   or take them from the platform's typed options, then call the verb in ``verbs/``
   (``verbs.escrow.ask_fund(caller, id)``, ``verbs.applying.apply(caller, id, proposal)``...).
   Each verb calls one domain service and returns a ``results.Reply`` or ``results.Confirm``.
3. **Render.** A ``Reply`` has rich text (``rich.Span``s: plain, bold, italic, code, link;
   escape what you render), button rows (``results.Button`` with an ``actions.Action`` or a
   URL), maybe a challenge ``Card``, ``replaces`` (edit the pressed message) and ``notice``
   (a toast). ``Confirm(text, label, action)`` is a money step: ``as_reply()`` gives the
   usual confirm + cancel buttons.
4. **Buttons.** Put ``action.pack()`` in the button (callback_data, custom_id, value: at most
   64 bytes); on a press, ``Action.unpack(data)`` and ``press.press(caller, action)`` returns
   the answers. ``action.needs_input`` (apply, chat, reply): ask for the words your way
   (a wizard step, a modal), then call the verb.
5. **Refusals.** Verbs raise domain errors or ``grammar.UsageError``; catch ``errors.EXPLAINED``
   and answer ``errors.explain(exc, COMMANDS).text`` (privately where the platform can), adding
   your usage line when ``with_usage``.
6. **Unasked messages.** Implement ``platform.ChatPlatform`` (``send_dm``, ``post_card``,
   ``edit_card``, ``is_chat_admin``) and hand it to ``delivery.Delivery``; ``delivery.subscribe``
   delivers notifications, chat messages and announcement cards through it.
7. **Communities.** ``verbs.communities.announcements(caller, platform, place, on=...)`` asks
   your ``is_chat_admin``; the domain's rule decides.
"""
