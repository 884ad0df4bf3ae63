package com.acme.mpc.gateway.provider.aws;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * STS's Query API answers: {@code <AssumeRoleResponse><AssumeRoleResult><Credentials>} (and the same under
 * {@code AssumeRoleWithWebIdentity...}) with {@code AccessKeyId}, {@code SecretAccessKey}, {@code SessionToken},
 * {@code Expiration}; errors as {@code <ErrorResponse><Error><Type/><Code/><Message/>}. Parsed without DTDs or
 * external entities.
 */
final class StsXml {
    /** One temporary session. */
    record Session(SigV4Signer.Credentials credentials, Instant expiration) {}

    /** An {@code ErrorResponse}'s error; fields are empty strings when absent. */
    record Error(String type, String code, String message) {}

    private StsXml() {}

    /** The session of a successful answer; an IllegalArgumentException (no secret in it) when it has none. */
    static Session session(byte[] xml) {
        Element credentials = xml == null ? null : first(parse(xml), "Credentials");
        if (credentials == null) {
            throw new IllegalArgumentException("the STS answer has no Credentials element");
        }
        String key = text(credentials, "AccessKeyId");
        String secret = text(credentials, "SecretAccessKey");
        String token = text(credentials, "SessionToken");
        String expiration = text(credentials, "Expiration");
        if (key.isEmpty() || secret.isEmpty() || token.isEmpty() || expiration.isEmpty()) {
            throw new IllegalArgumentException(
                    "the STS answer's Credentials lack AccessKeyId, SecretAccessKey, SessionToken or Expiration");
        }
        try {
            return new Session(new SigV4Signer.Credentials(key, secret, token), Instant.parse(expiration));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("the STS answer's Expiration is not an ISO-8601 instant");
        }
    }

    /** The error of an {@code ErrorResponse}, or null when the body is not one. */
    static Error error(String xml) {
        if (xml == null || xml.isBlank()) {
            return null;
        }
        Document doc;
        try {
            doc = parse(xml.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
        Element error = first(doc, "Error");
        return error == null ? null : new Error(text(error, "Type"), text(error, "Code"), text(error, "Message"));
    }

    private static Document parse(byte[] xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new IllegalArgumentException("the STS answer is not XML");
        }
    }

    private static Element first(Document doc, String name) {
        NodeList nodes = doc.getElementsByTagNameNS("*", name);
        return nodes.getLength() == 0 ? null : (Element) nodes.item(0);
    }

    private static String text(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagNameNS("*", name);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().strip();
    }
}
