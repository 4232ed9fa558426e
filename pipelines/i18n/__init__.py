"""Messages in the user's language, from one gettext catalog (Babel), Vietnamese first.

``translate(code, lang="vi", **params)`` gives a message's text; ``negotiate(accept_language)`` picks
``vi`` or ``en`` for a browser; :class:`CodedError` is the shell's error base (English ``str()`` for logs);
:func:`message_of` shows any coded error (the libraries' too) in a language; :func:`stored_message` shows an
error the catalog stored as English text + code. The catalogs: ``locale/{vi,en}/LC_MESSAGES/minhchung.po``.
This package sits at the catalog's level of the shell: it imports no other part of ``pipelines``.
"""

from pipelines.i18n.catalog import (
    CODE,
    DEFAULT_LANG,
    LANGS,
    Msg,
    lang_or_none,
    negotiate,
    placeholders,
    template,
    texts,
    translate,
)
from pipelines.i18n.errors import (
    CodedError,
    as_msg,
    code_of,
    message_of,
    params_of,
    read_back,
    recognise,
    stored_message,
)

__all__ = ["CODE", "DEFAULT_LANG", "LANGS", "CodedError", "Msg", "as_msg", "code_of", "lang_or_none", "message_of",
           "negotiate", "params_of", "placeholders", "read_back", "recognise", "stored_message", "template", "texts",
           "translate"]
