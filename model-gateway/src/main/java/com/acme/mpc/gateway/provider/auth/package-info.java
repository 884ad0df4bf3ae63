/**
 * Credentials that expire and are fetched again (AWS STS sessions, Google OAuth2 access tokens): one cache entry per
 * credential source, renewed before expiry by one shared, non-blocking fetch.
 */
package com.acme.mpc.gateway.provider.auth;
