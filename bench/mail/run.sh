#!/usr/bin/env bash
# Mail benchmarks, side by side in one run, loopback only:
#  1) 1,000 messages through one Send-Mail pipeline vs a Python smtplib loop that connects once per message, as the
#     seed's send_email does; the same npm smtp-server (tests/peers/mail/node) receives both.
#  2) Get-ImapMessage -Last 5000 (summaries) vs a Python imaplib loop fetching one message at a time (RFC822, as the
#     seed's fetch_emails does), from the same Dovecot mailbox of 5,000 messages, over IMAPS.
# Our times are measured inside one pshost session after a warm-up. Usage: bench/mail/run.sh [messages=1000] [mailbox=5000]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000}; box=${2:-5000}
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
command -v dovecot >/dev/null || { echo "dovecot is missing: run 'sudo bash tests/peers/install.sh'" >&2; exit 1; }
dir=$(mktemp -d /tmp/psnt-mailbench.XXXXXX); chmod 755 "$dir" # dovecot's auth and mail processes run as other users
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 0.5; rm -rf "$dir"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "nothing on $1" >&2; return 1; }
certs=$(bash tests/peers/certs.sh "$dir/testcerts")

# 1) SMTP
mkdir -p "$dir/eml"
sp=$(free_port); st=$(free_port); stls=$(free_port)
node tests/peers/mail/node/smtp_server.js "$certs/leaf-chain.crt" "$certs/leaf.key" "$dir/eml" "$sp" "$st" "$stls" >/dev/null 2>&1 &
wait_port "$sp"
ours=$(dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "
  Import-Module ./out/PSNetTools/PSNetTools.psd1
  1..20 | ForEach-Object { [pscustomobject]@{ To = \"u\$_@example.com\"; Subject = \"warm \$_\"; Body = 'b' } } | Send-Mail -SmtpServer 127.0.0.1 -Port $sp -Security None -From me@example.com
  \$t = [Diagnostics.Stopwatch]::StartNew()
  1..$n | ForEach-Object { [pscustomobject]@{ To = \"u\$_@example.com\"; Subject = \"Python发送的测试邮件 \$_\"; Body = '这是测试邮件。' } } | Send-Mail -SmtpServer 127.0.0.1 -Port $sp -Security None -From me@example.com
  \$t.ElapsedMilliseconds")
py=$(python3 - "$sp" "$n" <<'PY'
import smtplib, sys, time
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
port, n = int(sys.argv[1]), int(sys.argv[2])
t = time.time()
for i in range(1, n + 1):
    msg = MIMEMultipart(); msg["From"] = "me@example.com"; msg["To"] = f"u{i}@example.com"; msg["Subject"] = f"Python发送的测试邮件 {i}"
    msg.attach(MIMEText("这是测试邮件。", "plain"))
    # local_hostname: skip the getfqdn() DNS lookup smtplib does per connection by default (slow on this machine).
    server = smtplib.SMTP("127.0.0.1", port, local_hostname="localhost")
    try:
        server.sendmail("me@example.com", f"u{i}@example.com", msg.as_string())
    finally:
        server.quit()
print(int((time.time() - t) * 1000))
PY
)
echo "SMTP: $n messages: Send-Mail pipeline ${ours} ms | smtplib connect-per-message ${py} ms | $(python3 -c "print(f'{$py/$ours:.1f}x')") (target >= 5x)"

# 2) IMAP: Dovecot with a mailbox of $box messages written straight into its Maildir.
mkdir -p "$dir/certs" "$dir/dovecot" "$dir/mail/tester/Maildir/"{cur,new,tmp}
cp "$certs/leaf-chain.crt" "$dir/certs/server.crt"; cp "$certs/leaf.key" "$dir/certs/server.key"
python3 - "$dir/mail/tester/Maildir/cur" "$box" <<'PY'
import sys, time
from email.utils import formatdate
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(f"{d}/{int(time.time())}.M{i}P1.bench:2,S", "w") as f:
        f.write(f"From: Sender {i} <s{i}@example.com>\r\nTo: tester@example.com\r\nSubject: message {i}\r\nDate: {formatdate(time.time() - (n - i) * 60)}\r\nMessage-ID: <{i}@bench>\r\n\r\nbody {i}\r\n")
PY
chown -R 5000:5000 "$dir/mail"
ip=$(free_port); ips=$(free_port); pp=$(free_port); pps=$(free_port); lp=$(free_port)
render() { sed -e "s#@DIR@#$dir#g" -e "s#@INSTANCE@#$(basename "$dir")#g" -e "s/@IMAP_PORT@/$ip/g" -e "s/@IMAPS_PORT@/$ips/g" -e "s/@POP3_PORT@/$pp/g" -e "s/@POP3S_PORT@/$pps/g" -e "s/@LMTP_PORT@/$lp/g" "$1"; }
render tests/peers/mail/dovecot.conf.template > "$dir/dovecot/dovecot.conf"
render tests/peers/mail/users.template > "$dir/dovecot/users"
dovecot -F -c "$dir/dovecot/dovecot.conf" >/dev/null 2>&1 &
wait_port "$ips"
ours=$(dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "
  Import-Module ./out/PSNetTools/PSNetTools.psd1
  \$cred = [pscredential]::new('tester', [Net.NetworkCredential]::new('', 'secret').SecurePassword)
  \$common = @{ Server = '127.0.0.1'; Port = $ips; Security = 'SslOnConnect'; SkipCertificateCheck = \$true; Credential = \$cred }
  \$null = Get-ImapMessage @common -Last 10
  \$t = [Diagnostics.Stopwatch]::StartNew(); \$r = @(Get-ImapMessage @common -Last $box); '{0} {1}' -f \$t.ElapsedMilliseconds, \$r.Count")
read -r our_ms our_count <<<"$ours"
py=$(python3 - "$ips" "$box" <<'PY'
import email, imaplib, ssl, sys, time
from email.header import decode_header
port, limit = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
t = time.time()
mail = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
mail.login("tester", "secret"); mail.select("INBOX")
status, messages = mail.search(None, "ALL")
ids = messages[0].split()[-limit:]
n = 0
for mail_id in reversed(ids):
    status, data = mail.fetch(mail_id, "(RFC822)")
    msg = email.message_from_bytes(data[0][1])
    subject = decode_header(msg["Subject"])[0][0]
    from_ = decode_header(msg.get("From", ""))[0][0]
    n += 1
mail.close(); mail.logout()
print(int((time.time() - t) * 1000), n)
PY
)
read -r py_ms py_count <<<"$py"
echo "IMAP: Get-ImapMessage -Last $box ${our_ms} ms (${our_count} messages) | imaplib one fetch per message ${py_ms} ms (${py_count}) | $(python3 -c "print(f'{$py_ms/$our_ms:.1f}x')") (target >= 10x)"
