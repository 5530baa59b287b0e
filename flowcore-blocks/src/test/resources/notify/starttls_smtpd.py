"""A STARTTLS SMTP server for EmailNotifierStartTlsTests (aiosmtpd, Debian's python3-aiosmtpd).

Usage: starttls_smtpd.py PORT CERT.pem KEY.pem USER PASSWORD OUT_DIR
STARTTLS is required before any mail command and AUTH only after it; each accepted message is
written to OUT_DIR/<n>.eml. Prints READY once listening, and stops when standard input closes.
"""
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, cert, key, user, password, out = sys.argv[1:7]


class Save:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Save.count += 1
        path = os.path.join(out, "%d.eml" % Save.count)
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path)
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == user.encode() and auth_data.password == password.encode())
    return AuthResult(success=ok, handled=False)


tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
tls.load_cert_chain(cert, key)
controller = Controller(Save(), hostname="127.0.0.1", port=int(port), tls_context=tls, require_starttls=True,
                        authenticator=authenticator, auth_require_tls=True)
controller.start()
print("READY", flush=True)
sys.stdin.read()
controller.stop()
