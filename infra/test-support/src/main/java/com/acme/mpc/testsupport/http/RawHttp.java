package com.acme.mpc.testsupport.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One hand-written HTTP/1.1 request over a socket, for what an HTTP client would refuse or fix (a missing Host, a
 * bad Content-Length, an oversized URI): the answer comes back as text, status line and headers included.
 */
public final class RawHttp {
    private RawHttp() {}

    /**
     * Sends {@code request} as it is (ISO-8859-1) and reads until the first answer's Content-Length body has arrived
     * or the server closes.
     */
    public static String exchange(URL root, String request) throws IOException {
        try (Socket s = new Socket(root.getHost(), root.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                answer.write(buf, 0, n);
                String text = answer.toString(StandardCharsets.ISO_8859_1);
                int headerEnd = text.indexOf("\r\n\r\n");
                if (headerEnd > 0) {
                    int length = contentLength(text.substring(0, headerEnd));
                    if (length >= 0 && text.length() >= headerEnd + 4 + length) {
                        break;
                    }
                }
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** What follows the head of an answer from {@link #exchange}. */
    public static String body(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return -1;
    }
}
