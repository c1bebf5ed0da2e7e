"""The paper seal (docs/seal.md): printed fields as CBOR, in a COSE_Sign1, as Base32 text. Pure."""

from shahada.schemas.seal.content import Names, SealContent, SubjectResult, credential_holder_binding, format_mark, holder_binding
from shahada.schemas.seal.cose import Sign1, decode_sign1, encode_sign1, key_id, protected_header, sig_structure
from shahada.schemas.seal.errors import SealError, SealFormatError, SealOversizedError, SealTruncatedError, SealVersionError
from shahada.schemas.seal.names import NameCode, name_codes
from shahada.schemas.seal.text import seal_bytes, seal_payload, seal_text

__all__ = [
    "NameCode",
    "Names",
    "SealContent",
    "SealError",
    "SealFormatError",
    "SealOversizedError",
    "SealTruncatedError",
    "SealVersionError",
    "Sign1",
    "SubjectResult",
    "credential_holder_binding",
    "decode_sign1",
    "encode_sign1",
    "format_mark",
    "holder_binding",
    "key_id",
    "name_codes",
    "protected_header",
    "seal_bytes",
    "seal_payload",
    "seal_text",
    "sig_structure",
]
