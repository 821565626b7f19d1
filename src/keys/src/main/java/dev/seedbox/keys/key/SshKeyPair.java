package dev.seedbox.keys.key;

/** Our side of a BYOS connection: the public key we show and the private key only a store may hold. */
public record SshKeyPair(OpenSshPublicKey publicKey, PrivateKeyMaterial privateKey) {
}
