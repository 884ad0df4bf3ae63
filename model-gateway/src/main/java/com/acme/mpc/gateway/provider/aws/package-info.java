/**
 * AWS credentials for SigV4-signed providers (Bedrock): static keys, static-key profiles of the shared config files,
 * STS AssumeRole and AssumeRoleWithWebIdentity (EKS IRSA) over STS's Query API, cached per credential configuration
 * and renewed before they expire without blocking the event loop. No AWS SDK: the gateway's own SigV4 signer and HTTP
 * client.
 */
package com.acme.mpc.gateway.provider.aws;
