"""The local data.gouv.fr: the real udata server on 127.0.0.1 (`process` runs `server`)."""
