"""Browser probes: a page whose scripts try to reach another host every way a page can, and listeners that
record whatever reaches them. Used by tests/test_browser_isolation.py and bench/hostile.py. 127.0.0.x only.
"""

from __future__ import annotations

import socket
import threading

PROBE_URL = "https://www.dawn.com/news/9100001"
PROBED_HOST = "127.0.0.2"  # another host than the page's, on the loopback network
PROBES = ("popup", "websocket", "webrtc", "fetch", "image")

PROBE_PAGE = """<!DOCTYPE html><html><head><title>Probe - Pakistan - DAWN.COM</title>
<link rel='canonical' href='https://www.dawn.com/news/9100001' />
<meta property='article:published_time' content='2025-06-19T10:00:00+05:00' /></head><body>
<article class='story' data-id='9100001'><h2 class='story__title'>Probe</h2>
<div class='story__content'></div>
<script>
function probe(name, f) {{ try {{ f(); }} catch (e) {{ }} }}
probe('popup', function () {{ window.open('http://{host}:{tcp}/popup', '_blank'); }});
probe('websocket', function () {{ new WebSocket('ws://{host}:{tcp}/socket'); }});
probe('webrtc', function () {{
  var pc = new RTCPeerConnection({{iceServers: [{{urls: 'stun:{host}:{udp}'}}]}});
  pc.createDataChannel('probe');
  pc.createOffer().then(function (offer) {{ return pc.setLocalDescription(offer); }});
}});
probe('fetch', function () {{ fetch('http://{host}:{tcp}/fetch', {{mode: 'no-cors'}}); }});
probe('image', function () {{ new Image().src = 'http://{host}:{tcp}/pixel.gif'; }});
setTimeout(function () {{
  document.querySelector('.story__content').insertAdjacentHTML('beforeend', '<p>KARACHI: Filled after the probes.</p>');
}}, 2500);
</script></article></body></html>"""


class Listener:
    """Records every TCP connection and UDP datagram that reaches it."""

    def __init__(self, host: str):
        self.seen: list[str] = []
        self.tcp = socket.create_server((host, 0))
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((host, 0))
        self.tcp.settimeout(0.2)
        self.udp.settimeout(0.2)
        self.running = True
        self.threads = [threading.Thread(target=self._accept, daemon=True),
                        threading.Thread(target=self._receive, daemon=True)]
        for thread in self.threads:
            thread.start()

    def _accept(self):
        while self.running:
            try:
                connection, _ = self.tcp.accept()
            except OSError:
                continue
            connection.settimeout(1)
            try:
                first = connection.recv(200).split(b"\r\n", 1)[0].decode("latin-1")
            except OSError:
                first = "(nothing sent)"
            self.seen.append(f"tcp {first}")
            connection.close()

    def _receive(self):
        while self.running:
            try:
                data, _ = self.udp.recvfrom(2048)
            except OSError:
                continue
            self.seen.append(f"udp {len(data)} bytes")

    def close(self):
        self.running = False
        for thread in self.threads:
            thread.join(2)
        self.tcp.close()
        self.udp.close()
