"""The keys behind verification methods, inside the agent: the wallet's for signing, the
controller's published key for verifying.

Signing (the private key never leaves the wallet: only ``BaseWallet.sign_message`` touches it):

- ``did:key:<mb>#<mb>``: the wallet key whose public key is ``<mb>`` (MultikeyManager's multikey
  lookup);
- any other method: the wallet key bound to that key id (``PUT /wallet/keys`` / MultikeyManager's
  kid lookup), which is how the ministry's ``did:web`` key ``#key-1`` is bound;
- when the issuer is a DID the agent holds, the key must be that DID's own key, or a second wallet
  key that the DID's published document lists under ``assertionMethod`` with the same public key
  (the VC API issuer's ``<did>#vc-api-1``, resolved like any DID): a key merely bound under the
  DID's name (``<did>#key-rogue``) is not in its published DID document. A ``did:web`` issuer the
  wallet does not hold is refused.

Verifying: ``did:key`` is expanded locally (``shahada.did.key``), other DIDs are resolved with the agent's
DID resolver (``did:web`` over HTTPS) and parsed with the project's DID document model; the method
must be listed under the proof's purpose (DID Core 1.0 §5.3). A non-DID method resolves only when
the wallet itself holds it.
"""

from __future__ import annotations

import base58
from acapy_agent.core.profile import Profile, ProfileSession
from acapy_agent.resolver.base import ResolverError
from acapy_agent.resolver.did_resolver import DIDResolver
from acapy_agent.wallet.base import BaseWallet
from acapy_agent.wallet.did_info import KeyInfo
from acapy_agent.wallet.error import WalletDuplicateError, WalletError, WalletNotFoundError

from shahada.agent.plugin.data_integrity.errors import KeyNotFoundError, KeyRelationshipError
from shahada.agent.plugin.data_integrity.relationship import DID_KEY_PREFIX
from shahada.did.document import DIDDocument, is_did, split_did_url
from shahada.did.errors import DIDResolutionError, InvalidDIDError
from shahada.did.key import public_key_from_did_key, resolve_did_key

RESOLVE_TIMEOUT_S = 10


async def _wallet_key(wallet: BaseWallet, verification_method: str) -> KeyInfo:
    try:
        if verification_method.startswith(DID_KEY_PREFIX):
            did, _ = split_did_url(verification_method)
            verkey = base58.b58encode(public_key_from_did_key(did)).decode("ascii")
            return await wallet.get_signing_key(verkey)
        return await wallet.get_key_by_kid(verification_method)
    except (WalletNotFoundError, InvalidDIDError) as err:
        raise KeyNotFoundError(f"the agent's wallet holds no key for {verification_method}") from err
    except WalletDuplicateError as err:
        raise KeyNotFoundError(f"several wallet keys are bound to {verification_method}") from err


async def signing_verkey(session: ProfileSession, verification_method: str, issuer: str | None) -> str:
    """The base58 verkey of the wallet's Ed25519 key for ``verification_method``.

    Args:
        session: an open profile session.
        verification_method: the key id the proof will name.
        issuer: the credential's issuer, or None for a document that is not a credential.

    Raises:
        KeyNotFoundError (di.key_not_found): no such key, or not an Ed25519 key.
        KeyRelationshipError (di.key_relationship): the issuer is a DID the agent does not hold, or
            the key is not that DID's own key.
    """
    wallet = session.inject(BaseWallet)
    info = await _wallet_key(wallet, verification_method)
    if info.key_type.key_type != "ed25519":
        raise KeyNotFoundError(f"{verification_method} is a {info.key_type.key_type} key, not Ed25519")
    if issuer is not None and is_did(issuer):
        try:
            held = await wallet.get_local_did(issuer)
        except WalletNotFoundError:
            held = None
        except WalletError as err:  # a DID the wallet cannot even look up is not one it holds
            raise KeyRelationshipError(f"cannot look up {issuer} in the wallet: {err}") from err
        if held is None and not issuer.startswith(DID_KEY_PREFIX):
            raise KeyRelationshipError(f"the agent does not hold the issuer DID {issuer}")
        if held is not None and held.verkey != info.verkey:
            await _published_second_key(session.profile, verification_method, issuer, str(info.verkey))
    return str(info.verkey)


async def _published_second_key(profile: Profile, verification_method: str, issuer: str, verkey: str) -> None:
    """Accept another wallet key of a DID the agent holds only when the DID's published document
    lists it, with this very public key, under ``assertionMethod`` (the VC API issuer's
    ``<did>#vc-api-1``); a key merely bound under the DID's name is refused."""
    did, _ = split_did_url(verification_method)
    if did != issuer:
        raise KeyRelationshipError(f"{verification_method} is not a key of {issuer}")
    try:
        published = await verification_key(profile, verification_method, "assertionMethod")
    except (DIDResolutionError, InvalidDIDError, KeyNotFoundError, KeyRelationshipError) as err:
        raise KeyRelationshipError(
            f"{verification_method} is not the key of {issuer} in the wallet, nor one its DID document publishes for assertion: {err.message}"
        ) from err
    if published != base58.b58decode(verkey):
        raise KeyRelationshipError(f"{verification_method} is published with another public key than the wallet's")


async def verification_key(profile: Profile, verification_method: str, proof_purpose: str) -> bytes:
    """The raw Ed25519 public key of ``verification_method``, authorized for ``proof_purpose``.

    Raises:
        DIDResolutionError (did.resolution): the DID could not be resolved.
        InvalidDIDError (did.invalid): a malformed DID URL or DID document.
        KeyNotFoundError (di.key_not_found): no such method (or, for a non-DID URL, no wallet key).
        KeyRelationshipError (di.key_relationship): the method is not authorized for the purpose.
    """
    if not verification_method.startswith("did:"):
        async with profile.session() as session:
            info = await _wallet_key(session.inject(BaseWallet), verification_method)
        return base58.b58decode(info.verkey)
    did, fragment = split_did_url(verification_method)
    if fragment is None:
        raise KeyNotFoundError(f"{verification_method} names no key (no fragment)")
    if did.startswith(DID_KEY_PREFIX):
        raw = resolve_did_key(did)
    else:
        try:
            raw = await profile.inject(DIDResolver).resolve(profile, did, timeout=RESOLVE_TIMEOUT_S)
        except (ResolverError, WalletError) as err:
            raise DIDResolutionError(f"the agent could not resolve {did}: {err}") from err
    document = DIDDocument.from_dict(raw)
    method = document.verification_method(verification_method) if document.id == did else None
    if method is None or method.controller != did:
        raise KeyNotFoundError(f"{verification_method} is not an Ed25519 key of {did}")
    if not document.is_authorized(verification_method, proof_purpose):
        raise KeyRelationshipError(f"{verification_method} is not listed under {proof_purpose} of {did}")
    return method.public_key
