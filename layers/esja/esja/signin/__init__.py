"""Sign-in without passwords: a link by e-mail opens a server-side session; the sessions themselves."""
