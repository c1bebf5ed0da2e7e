"""The public pages in Arabic, French and English: the reader's language and the catalogue.

The language is, in order: a ``lang`` query parameter (a link on every page; it is then kept in a
``lang`` cookie), the cookie, the browser's ``Accept-Language`` (RFC 9110 §12.5.4, matched by
Werkzeug), then the configured default. Arabic pages are right to left (``dir="rtl"``, HTML §3.2.6.4).

The catalogue is data: a key, then its text in each language. Only the interface is translated;
what a credential or a seal says is shown as the ministry signed it (French and Arabic; English
readers see the French), see :mod:`shahada.verifier.web.display`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from shahada.verifier.web.settings import LANGUAGES, Language

__all__ = ["LANGUAGE_NAMES", "direction", "negotiate", "text"]

LANGUAGE_NAMES: Final[Mapping[Language, str]] = {"ar": "العربية", "fr": "Français", "en": "English"}

_T = Mapping[Language, str]

CATALOGUE: Final[Mapping[str, _T]] = {
    # --- the interface -------------------------------------------------------------------------
    "site.title": {"ar": "التحقق من شهادات البكالوريا", "fr": "Vérification des diplômes du baccalauréat", "en": "Baccalaureate diploma verification"},
    "site.ministry": {
        "ar": "المملكة المغربية — وزارة التربية الوطنية والتعليم الأولي والرياضة",
        "fr": "Royaume du Maroc — Ministère de l'Éducation nationale, du Préscolaire et des Sports",
        "en": "Kingdom of Morocco — Ministry of National Education, Preschool and Sports",
    },
    "home.intro": {
        "ar": "تحقق من صحة شهادة أو كشف نقط البكالوريا: امسح رمز QR المطبوع بكاميرا هاتفك، أو حمّل الوثيقة هنا.",
        "fr": "Vérifiez un diplôme ou un relevé de notes du baccalauréat : scannez son code QR avec l'appareil photo de votre téléphone, ou déposez le document ici.",
        "en": "Check a baccalaureate diploma or transcript: scan its printed QR code with your phone's camera, or upload the document here.",
    },
    "home.upload": {"ar": "تحميل ملف", "fr": "Déposer un fichier", "en": "Upload a file"},
    "home.upload.help": {
        "ar": "ملف PDF للوثيقة، أو صورة لرمز QR (PNG أو JPEG)، أو ملف الشهادة الرقمية (JSON).",
        "fr": "Le PDF du document, une photo de son code QR (PNG ou JPEG), ou le fichier de l'attestation numérique (JSON).",
        "en": "The document's PDF, a photo of its QR code (PNG or JPEG), or the digital credential file (JSON).",
    },
    "home.paste": {"ar": "أو الصق هنا", "fr": "Ou collez ici", "en": "Or paste here"},
    "home.paste.help": {
        "ar": "نص رمز QR أو رابطه، أو الشهادة الرقمية (JSON).",
        "fr": "Le texte ou le lien du code QR, ou l'attestation numérique (JSON).",
        "en": "The QR code's text or link, or the digital credential (JSON).",
    },
    "home.submit": {"ar": "تحقق", "fr": "Vérifier", "en": "Verify"},
    "home.share": {"ar": "أو رابط مشاركة من بوابة الحاصلين على البكالوريا", "fr": "Ou un lien de partage du portail des bacheliers", "en": "Or a share link from the graduates' portal"},
    "home.share.help": {
        "ar": "الرابط الذي أعطاك إياه صاحب الشهادة. لا تُفتح إلا روابط البوابات الموثوقة.",
        "fr": "Le lien que le titulaire vous a donné. Seuls les liens des portails de confiance sont ouverts.",
        "en": "The link the graduate gave you. Only links of trusted portals are opened.",
    },
    "home.privacy": {
        "ar": "لا يُحفظ أي ملف: يُفحص ثم يُنسى.",
        "fr": "Aucun fichier n'est conservé : il est vérifié puis oublié.",
        "en": "No file is kept: it is checked, then forgotten.",
    },
    "nav.home": {"ar": "تحقق من وثيقة أخرى", "fr": "Vérifier un autre document", "en": "Check another document"},
    "nav.api": {"ar": "واجهة البرمجة (OpenAPI)", "fr": "API (OpenAPI)", "en": "API (OpenAPI)"},
    "nav.language": {"ar": "اللغة", "fr": "Langue", "en": "Language"},
    # --- verdicts ------------------------------------------------------------------------------
    "verdict.valid": {"ar": "صالحة", "fr": "Valide", "en": "Valid"},
    "verdict.invalid": {"ar": "غير صالحة", "fr": "Non valide", "en": "Invalid"},
    "verdict.incomplete": {"ar": "تعذّر التحقق الآن", "fr": "Impossible de vérifier", "en": "Cannot verify now"},
    "verdict.revoked": {"ar": "ملغاة", "fr": "Révoqué", "en": "Revoked"},
    "verdict.suspended": {"ar": "موقوفة", "fr": "Suspendu", "en": "Suspended"},
    "verdict.revoked.any": {
        "ar": "هذه الوثيقة أصدرتها الجهة المذكورة هنا فعلاً، لكنها ألغتها: لم تعد صالحة. لا تعتمد عليها.",
        "fr": "Ce document a bien été délivré par l'émetteur indiqué, mais il l'a révoqué : il n'est plus valable. Ne vous y fiez pas.",
        "en": "This document was genuinely issued by the issuer named here, who has since revoked it: it is no longer valid. Do not rely on it.",
    },
    "verdict.suspended.any": {
        "ar": "هذه الوثيقة أصدرتها الجهة المذكورة هنا فعلاً، لكنها أوقفتها مؤقتاً: لا تعتمد عليها حالياً، واتصل بالجهة المُصدِرة.",
        "fr": "Ce document a bien été délivré par l'émetteur indiqué, mais il l'a suspendu : ne vous y fiez pas pour l'instant et contactez l'émetteur.",
        "en": "This document was genuinely issued by the issuer named here, who has suspended it: do not rely on it for now, and contact the issuer.",
    },
    "verdict.since": {"ar": "منذ", "fr": "depuis le", "en": "since"},
    "verdict.issuer": {"ar": "الجهة المُصدِرة:", "fr": "Émetteur :", "en": "Issuer:"},
    "verdict.cause": {"ar": "السبب:", "fr": "Cause :", "en": "Cause:"},
    "verdict.valid.seal": {
        "ar": "هذه الوثيقة المطبوعة تحمل ختم الوزارة، ومحتواها أدناه هو ما وقّعته الوزارة. قارنه بالورقة.",
        "fr": "Ce document imprimé porte le cachet du ministère ; son contenu ci-dessous est celui que le ministère a signé. Comparez-le avec le papier.",
        "en": "This printed document carries the ministry's seal; the content below is what the ministry signed. Compare it with the paper.",
    },
    "verdict.valid.credential": {
        "ar": "هذه الشهادة الرقمية صادرة عن جهة موثوقة ولم تُعدَّل منذ توقيعها.",
        "fr": "Cette attestation numérique a été émise par un émetteur de confiance et n'a pas été modifiée depuis sa signature.",
        "en": "This digital credential was issued by a trusted issuer and has not been changed since it was signed.",
    },
    "verdict.valid.presentation": {
        "ar": "هذا العرض صادر عن صاحبه وكل الشهادات التي يتضمنها صالحة.",
        "fr": "Cette présentation vient de son titulaire et chaque attestation qu'elle contient est valide.",
        "en": "This presentation comes from its holder and every credential in it is valid.",
    },
    "verdict.valid.share": {
        "ar": "هذا الرابط صادر عن بوابة موثوقة، وكل الشهادات التي يتضمنها صالحة.",
        "fr": "Ce lien vient d'un portail de confiance et chaque attestation qu'il contient est valide.",
        "en": "This link comes from a trusted portal and every credential in it is valid.",
    },
    "verdict.invalid.any": {
        "ar": "لا تعتمد على هذه الوثيقة: فشل فحص واحد على الأقل (انظر أدناه).",
        "fr": "Ne vous fiez pas à ce document : au moins une vérification a échoué (voir ci-dessous).",
        "en": "Do not rely on this document: at least one check failed (see below).",
    },
    "verdict.incomplete.any": {
        "ar": "لم يفشل أي فحص، لكن أحدها تعذّر إتمامه الآن، فلا يمكن القول إن الوثيقة صالحة ولا إنها غير صالحة. أعد المحاولة لاحقاً.",
        "fr": "Aucune vérification n'a échoué, mais l'une d'elles n'a pas pu être menée à terme : ce document n'est déclaré ni valide ni non valide. Réessayez plus tard.",
        "en": "No check failed, but one could not be completed now: this document is declared neither valid nor invalid. Try again later.",
    },
    "result.checks": {"ar": "الفحوص", "fr": "Vérifications", "en": "Checks"},
    "result.content": {"ar": "المحتوى الموقَّع", "fr": "Contenu signé", "en": "Signed content"},
    "result.content.note": {
        "ar": "يُعرض هنا فقط ما وقّعته الجهة المُصدِرة.",
        "fr": "Seul ce que l'émetteur a signé est affiché ici.",
        "en": "Only what the issuer signed is shown here.",
    },
    "result.content.french": {
        "ar": "",
        "fr": "",
        "en": "The ministry signs its documents in French and Arabic. Values marked † are English translations of the signed French and Arabic; names and places are shown as signed, in French.",
    },
    "result.content.hidden": {
        "ar": "لا يُعرض المحتوى لأن التوقيع لم يُتحقَّق منه.",
        "fr": "Le contenu n'est pas affiché, car sa signature n'a pas pu être vérifiée.",
        "en": "The content is not shown because its signature could not be verified.",
    },
    "result.details": {"ar": "تفاصيل تقنية", "fr": "Détails techniques", "en": "Technical details"},
    "share.title": {"ar": "الوثائق المُشارَكة", "fr": "Documents partagés", "en": "Shared documents"},
    "share.recipient": {"ar": "مُشارَكة مع", "fr": "Partagé avec", "en": "Shared with"},
    "share.expires": {"ar": "ينتهي الرابط في", "fr": "Le lien expire le", "en": "The link expires on"},
    "share.credential": {"ar": "الوثيقة", "fr": "Document", "en": "Document"},
    "result.massar": {"ar": "تحقق من رمز مسار", "fr": "Vérifier un Code Massar", "en": "Check a Code Massar"},
    "result.massar.help": {
        "ar": "الختم يربط رمز مسار صاحب الوثيقة دون أن يكشفه. أدخل الرمز المطبوع على الوثيقة للتأكد.",
        "fr": "Le cachet lie le Code Massar du titulaire sans le révéler. Saisissez le code imprimé pour le vérifier.",
        "en": "The seal binds the holder's Code Massar without revealing it. Type the printed code to check it.",
    },
    "result.massar.invalid": {
        "ar": "رمز مسار يتكون من 6 إلى 20 حرفاً ورقماً.",
        "fr": "Un Code Massar compte de 6 à 20 lettres et chiffres.",
        "en": "A Code Massar has 6 to 20 letters and digits.",
    },
    "error.title": {"ar": "تعذّرت قراءة المُدخَل", "fr": "Entrée illisible", "en": "Unreadable input"},
    "error.body": {
        "ar": "لم نتمكن من إيجاد شهادة أو ختم للتحقق منه.",
        "fr": "Nous n'avons trouvé ni attestation ni cachet à vérifier.",
        "en": "We found no credential or seal to check.",
    },
    "error.notfound": {"ar": "الصفحة غير موجودة", "fr": "Page introuvable", "en": "Page not found"},
    # --- no QR code found: how to take a better picture -------------------------------------------
    "scan.title": {"ar": "لم نجد رمز QR", "fr": "Aucun code QR trouvé", "en": "No QR code found"},
    "scan.intro": {
        "ar": "لم نعثر على رمز QR المطبوع في هذا الملف. بعض النصائح:",
        "fr": "Nous n'avons pas trouvé le code QR imprimé dans ce fichier. Quelques conseils :",
        "en": "We could not find the printed QR code in this file. Some tips:",
    },
    "scan.closer": {
        "ar": "اقترب: يجب أن يملأ رمز QR معظم الصورة، واضحاً وكاملاً بزواياه الأربع.",
        "fr": "Rapprochez-vous : le code QR doit occuper l'essentiel de la photo, net et entier, ses quatre coins visibles.",
        "en": "Come closer: the QR code should fill most of the photo, sharp and whole, its four corners visible.",
    },
    "scan.light": {
        "ar": "صوّر في ضوء جيد، دون ظل أو لمعان على الورقة، والهاتف موازٍ للصفحة.",
        "fr": "Photographiez en pleine lumière, sans ombre ni reflet sur le papier, le téléphone parallèle à la page.",
        "en": "Take the photo in good light, without shadow or glare on the paper, the phone parallel to the page.",
    },
    "scan.pdf": {
        "ar": "إن كان لديك ملف PDF الذي تسلّمه صاحب الشهادة، فحمّله هو: يُقرأ رمزه بدقة تامة.",
        "fr": "Si vous avez le PDF que le titulaire a reçu, déposez ce PDF lui-même : son code QR y est lu sans faute.",
        "en": "If you have the PDF the graduate received, upload that PDF itself: its QR code is read exactly.",
    },
    "scan.lookup": {
        "ar": "أو ابحث عن وضعية الوثيقة برقمها وتاريخ ازدياد صاحبها.",
        "fr": "Ou cherchez le statut du document par son numéro et la date de naissance du titulaire.",
        "en": "Or look up the document's status by its number and the holder's date of birth.",
    },
    "scan.again": {"ar": "حاول بصورة أخرى", "fr": "Essayer une autre photo", "en": "Try another photo"},
    # --- look-up by document number -------------------------------------------------------------
    "nav.lookup": {"ar": "البحث برقم الوثيقة", "fr": "Recherche par numéro", "en": "Look up by number"},
    "lookup.title": {"ar": "وضعية وثيقة برقمها", "fr": "Statut d'un document par son numéro", "en": "A document's status by its number"},
    "lookup.intro": {
        "ar": "أدخل رقم الوثيقة المطبوع (مثل ⁦BAC-2025-D-7K3M-9QXP-2F4C⁩) وتاريخ ازدياد صاحبها. الجواب هو وضعية الوثيقة فقط، دون أي معلومة شخصية.",
        "fr": "Saisissez le numéro imprimé sur le document (par exemple BAC-2025-D-7K3M-9QXP-2F4C) et la date de naissance du titulaire. La réponse est le seul statut du document, sans aucune donnée personnelle.",
        "en": "Type the number printed on the document (for example BAC-2025-D-7K3M-9QXP-2F4C) and the holder's date of birth. The answer is the document's status only, with no personal data.",
    },
    "lookup.number": {"ar": "رقم الوثيقة", "fr": "Numéro du document", "en": "Document number"},
    "lookup.birth": {"ar": "تاريخ ازدياد صاحب الوثيقة", "fr": "Date de naissance du titulaire", "en": "Holder's date of birth"},
    "lookup.born": {"ar": "لصاحب(ة) الوثيقة المزداد(ة) في {date}", "fr": "pour un titulaire né(e) le {date}", "en": "for a holder born on {date}"},
    "lookup.submit": {"ar": "ابحث", "fr": "Rechercher", "en": "Look up"},
    "lookup.answer": {"ar": "وضعية الوثيقة {number}", "fr": "Statut du document {number}", "en": "Status of document {number}"},
    "lookup.valid": {
        "ar": "صالحة: أصدرت الوزارة وثيقة بهذا الرقم لشخص مزداد في هذا التاريخ، وهي سارية.",
        "fr": "Valide : le ministère a délivré un document de ce numéro à une personne née ce jour-là, et il est en vigueur.",
        "en": "Valid: the ministry issued a document with this number to a person born on that day, and it stands.",
    },
    "lookup.revoked": {
        "ar": "ملغاة: ألغت الوزارة الوثيقة التي تحمل هذا الرقم.",
        "fr": "Révoqué : le ministère a révoqué le document portant ce numéro.",
        "en": "Revoked: the ministry has revoked the document with this number.",
    },
    "lookup.suspended": {
        "ar": "موقوفة: أوقفت الوزارة الوثيقة التي تحمل هذا الرقم مؤقتاً.",
        "fr": "Suspendu : le ministère a suspendu le document portant ce numéro.",
        "en": "Suspended: the ministry has suspended the document with this number.",
    },
    "lookup.unknown": {
        "ar": "غير معروفة: لا توجد وثيقة بهذا الرقم لشخص مزداد في هذا التاريخ. تأكد من الرقم والتاريخ.",
        "fr": "Inconnu : aucun document de ce numéro n'a été délivré à une personne née ce jour-là. Vérifiez le numéro et la date.",
        "en": "Unknown: no document with this number was issued to a person born on that day. Check the number and the date.",
    },
    "lookup.word.valid": {"ar": "صالحة", "fr": "Valide", "en": "Valid"},
    "lookup.word.revoked": {"ar": "ملغاة", "fr": "Révoqué", "en": "Revoked"},
    "lookup.word.suspended": {"ar": "موقوفة", "fr": "Suspendu", "en": "Suspended"},
    "lookup.word.unknown": {"ar": "غير معروفة", "fr": "Inconnu", "en": "Unknown"},
    "code.lookup.number_invalid": {
        "ar": "هذا ليس رقم وثيقة، أو به خطأ في أحد رموزه (رمز التحقق لا يطابق).",
        "fr": "Ce n'est pas un numéro de document, ou un caractère est mal saisi (le caractère de contrôle ne correspond pas).",
        "en": "This is not a document number, or one character is mistyped (its check character does not match).",
    },
    "code.lookup.birth_date_invalid": {
        "ar": "أدخل تاريخ ازدياد صحيحاً في الماضي.",
        "fr": "Saisissez une date de naissance valide, dans le passé.",
        "en": "Enter a valid date of birth, in the past.",
    },
    "code.lookup.rate_limited": {
        "ar": "طلبات كثيرة من هذا العنوان. أعد المحاولة بعد بضع دقائق.",
        "fr": "Trop de recherches depuis cette adresse. Réessayez dans quelques minutes.",
        "en": "Too many look-ups from this address. Try again in a few minutes.",
    },
    "code.lookup.unavailable": {
        "ar": "البحث برقم الوثيقة غير متاح على هذا الموقع.",
        "fr": "La recherche par numéro n'est pas proposée sur ce site.",
        "en": "Look-up by number is not offered on this site.",
    },
    "code.shared.unavailable": {
        "ar": "الخدمة غير متاحة مؤقتا. أعد المحاولة بعد قليل.",
        "fr": "Le service est momentanément indisponible. Réessayez dans un instant.",
        "en": "The service is briefly unavailable. Try again in a moment.",
    },
    # --- outcomes ------------------------------------------------------------------------------
    "outcome.passed": {"ar": "ناجح", "fr": "réussi", "en": "passed"},
    "outcome.failed": {"ar": "فاشل", "fr": "échoué", "en": "failed"},
    "outcome.skipped": {"ar": "لم يُفحص", "fr": "non vérifié", "en": "not checked"},
    # --- check names ---------------------------------------------------------------------------
    "check.structure": {"ar": "بنية الوثيقة", "fr": "Structure du document", "en": "Document structure"},
    "check.context": {"ar": "المفردات المعتمدة (سياقات JSON-LD)", "fr": "Vocabulaires épinglés (contextes JSON-LD)", "en": "Pinned vocabularies (JSON-LD contexts)"},
    "check.issuer": {"ar": "الجهة المُصدِرة موثوقة", "fr": "Émetteur de confiance", "en": "Trusted issuer"},
    "check.proof": {"ar": "نوع التوقيع مقبول", "fr": "Type de signature accepté", "en": "Accepted signature type"},
    "check.key": {"ar": "مفتاح مرخَّص للجهة المُصدِرة", "fr": "Clé autorisée de l'émetteur", "en": "Issuer's authorised key"},
    "check.signature": {"ar": "التوقيع الرقمي", "fr": "Signature numérique", "en": "Digital signature"},
    "check.schema": {"ar": "مطابقة نموذج الوثيقة", "fr": "Conformité au modèle du document", "en": "Conforms to the document's schema"},
    "check.validity": {"ar": "تواريخ الصلاحية", "fr": "Dates de validité", "en": "Validity dates"},
    "check.registry": {"ar": "سجل الوزارة", "fr": "Registre du ministère", "en": "The ministry's registry"},
    "check.status": {"ar": "الوضعية (غير ملغاة أو موقوفة)", "fr": "Statut (ni révoqué ni suspendu)", "en": "Status (not revoked or suspended)"},
    "check.archive": {"ar": "مطابقة سجلات الوزارة", "fr": "Conformité aux registres du ministère", "en": "Agreement with the ministry's records"},
    "check.seal.decode": {"ar": "قراءة الختم", "fr": "Lecture du cachet", "en": "Seal readable"},
    "check.seal.key": {"ar": "ختم جهة موثوقة بمفتاح مرخَّص", "fr": "Cachet d'un émetteur de confiance, clé autorisée", "en": "Trusted issuer, authorised key"},
    "check.seal.holder": {"ar": "رمز مسار", "fr": "Code Massar", "en": "Code Massar"},
    "check.presentation.key": {"ar": "مفتاح صاحب العرض", "fr": "Clé du titulaire", "en": "Holder's key"},
    "check.presentation.holder": {"ar": "ارتباط الشهادات بصاحبها", "fr": "Lien entre titulaire et attestations", "en": "Holder bound to the credentials"},
    "check.challenge": {"ar": "تحدٍّ لمرة واحدة", "fr": "Défi à usage unique", "en": "One-time challenge"},
    "check.domain": {"ar": "النطاق", "fr": "Domaine", "en": "Domain"},
    "check.credentials": {"ar": "الشهادات المُتضمَّنة", "fr": "Attestations contenues", "en": "Credentials inside"},
    "check.share.origin": {"ar": "رابط بوابة موثوقة", "fr": "Lien d'un portail de confiance", "en": "Link of a trusted portal"},
    "check.share.link": {"ar": "الرابط متاح", "fr": "Lien disponible", "en": "Link available"},
    "check.share.share": {"ar": "محتوى الرابط", "fr": "Contenu du lien", "en": "Link contents"},
    "check.share.expiry": {"ar": "صلاحية الرابط", "fr": "Validité du lien", "en": "Link still valid"},
    # --- what a failure means ----------------------------------------------------------------
    "code.signature.invalid": {
        "ar": "تغيّرت الوثيقة بعد توقيعها، أو لم توقَّع بهذا المفتاح.",
        "fr": "Le document a été modifié après sa signature, ou n'a pas été signé avec cette clé.",
        "en": "The document was changed after it was signed, or was not signed with this key.",
    },
    "code.issuer.untrusted": {
        "ar": "الجهة المُصدِرة ليست من الجهات الموثوقة.",
        "fr": "L'émetteur ne fait pas partie des émetteurs de confiance.",
        "en": "The issuer is not one of the trusted issuers.",
    },
    "code.seal.untrusted": {
        "ar": "الختم ليس ختم الوزارة ولا ختم جهة موثوقة.",
        "fr": "Ce cachet n'est ni celui du ministère ni celui d'un émetteur de confiance.",
        "en": "This seal is neither the ministry's nor a trusted issuer's.",
    },
    "code.validity.expired": {"ar": "انتهت صلاحية الوثيقة.", "fr": "Le document a expiré.", "en": "The document has expired."},
    "code.validity.not_yet_valid": {"ar": "الوثيقة ليست صالحة بعد.", "fr": "Le document n'est pas encore valide.", "en": "The document is not valid yet."},
    "code.context.unknown": {
        "ar": "تستعمل الوثيقة مفردات غير معتمدة.",
        "fr": "Le document utilise un vocabulaire non reconnu.",
        "en": "The document uses a vocabulary that is not recognised.",
    },
    "code.key.unauthorized": {
        "ar": "المفتاح المستعمل ليس مفتاحاً مرخَّصاً للجهة المُصدِرة.",
        "fr": "La clé utilisée n'est pas une clé autorisée de l'émetteur.",
        "en": "The key used is not an authorised key of the issuer.",
    },
    "code.did.resolution": {
        "ar": "تعذّر الحصول على مفتاح الجهة المُصدِرة.",
        "fr": "La clé de l'émetteur n'a pas pu être obtenue.",
        "en": "The issuer's key could not be obtained.",
    },
    "code.archive.mismatch": {
        "ar": "المحتوى يختلف عن سجلات الوزارة.",
        "fr": "Le contenu diffère des registres du ministère.",
        "en": "The content differs from the ministry's records.",
    },
    "code.archive.unknown": {
        "ar": "هذه الوثيقة غير موجودة في سجلات الوزارة.",
        "fr": "Ce document ne figure pas dans les registres du ministère.",
        "en": "This document is not in the ministry's records.",
    },
    "code.holder.mismatch": {
        "ar": "رمز مسار المُدخَل ليس رمز صاحب الوثيقة.",
        "fr": "Le Code Massar saisi n'est pas celui du titulaire.",
        "en": "The Code Massar given is not the holder's.",
    },
    "code.schema.invalid": {
        "ar": "لا تطابق الوثيقة نموذجها.",
        "fr": "Le document n'est pas conforme à son modèle.",
        "en": "The document does not conform to its schema.",
    },
    "code.proof.missing": {"ar": "الوثيقة غير موقَّعة.", "fr": "Le document n'est pas signé.", "en": "The document is not signed."},
    "code.proof.unsupported": {"ar": "نوع التوقيع غير مقبول.", "fr": "Type de signature non accepté.", "en": "The signature type is not accepted."},
    "code.proof.malformed": {"ar": "التوقيع تالف.", "fr": "La signature est mal formée.", "en": "The signature is malformed."},
    "code.credential.malformed": {"ar": "الوثيقة تالفة.", "fr": "Le document est mal formé.", "en": "The document is malformed."},
    "code.credential.invalid": {
        "ar": "شهادة واحدة على الأقل غير صالحة (انظر أدناه).",
        "fr": "Au moins une attestation n'est pas valide (voir ci-dessous).",
        "en": "At least one credential is not valid (see below).",
    },
    "code.status.revoked": {"ar": "ألغت الوزارة هذه الوثيقة.", "fr": "Le ministère a révoqué ce document.", "en": "The ministry has revoked this document."},
    "code.status.suspended": {"ar": "أوقفت الوزارة هذه الوثيقة.", "fr": "Le ministère a suspendu ce document.", "en": "The ministry has suspended this document."},
    "code.registry.revoked": {"ar": "ألغت الوزارة هذه الوثيقة.", "fr": "Le ministère a révoqué ce document.", "en": "The ministry has revoked this document."},
    "code.registry.suspended": {"ar": "أوقفت الوزارة هذه الوثيقة.", "fr": "Le ministère a suspendu ce document.", "en": "The ministry has suspended this document."},
    "code.registry.superseded": {
        "ar": "عُوِّضت هذه الوثيقة بأخرى بعد تصحيح سجلات الوزارة.",
        "fr": "Ce document a été remplacé par un autre après une rectification des registres du ministère.",
        "en": "This document was replaced by another after the ministry's records were corrected.",
    },
    "code.registry.unknown": {
        "ar": "هذه الوثيقة غير موجودة في سجل الوزارة.",
        "fr": "Ce document ne figure pas au registre du ministère.",
        "en": "This document is not in the ministry's registry.",
    },
    "code.registry.mismatch": {
        "ar": "المحتوى يختلف عن سجل الوزارة.",
        "fr": "Le contenu diffère du registre du ministère.",
        "en": "The content differs from the ministry's registry.",
    },
    "code.registry.unavailable": {
        "ar": "تعذّر الوصول إلى سجل الوزارة، فلا يُعرف إن كانت الوثيقة قد أُلغيت.",
        "fr": "Le registre du ministère n'a pas pu être joint : on ne peut pas savoir si le document a été révoqué.",
        "en": "The ministry's registry could not be reached: whether the document was revoked cannot be known.",
    },
    "code.status.unavailable": {
        "ar": "تعذّر الحصول على قائمة الإلغاء لدى الوزارة، فلا يُعرف إن كانت الوثيقة قد أُلغيت.",
        "fr": "La liste de révocation du ministère n'a pas pu être obtenue : on ne peut pas savoir si le document a été révoqué.",
        "en": "The ministry's revocation list could not be obtained: whether the document was revoked cannot be known.",
    },
    "code.share.untrusted": {
        "ar": "هذا الرابط ليس رابط بوابة موثوقة، فلم يُفتح.",
        "fr": "Ce lien n'est pas celui d'un portail de confiance : il n'a pas été ouvert.",
        "en": "This link is not one of a trusted portal: it was not opened.",
    },
    "code.share.unavailable": {
        "ar": "تعذّر الوصول إلى البوابة. أعد المحاولة لاحقاً.",
        "fr": "Le portail n'a pas pu être joint. Réessayez plus tard.",
        "en": "The portal could not be reached. Try again later.",
    },
    "code.share.expired": {"ar": "انتهت صلاحية هذا الرابط.", "fr": "Ce lien a expiré.", "en": "This link has expired."},
    "code.share.revoked": {"ar": "ألغى صاحب الشهادة هذا الرابط.", "fr": "Le titulaire a révoqué ce lien.", "en": "The graduate has revoked this link."},
    "code.share.unknown": {"ar": "البوابة لا تعرف هذا الرابط.", "fr": "Le portail ne connaît pas ce lien.", "en": "The portal does not know this link."},
    "code.share.malformed": {
        "ar": "جواب البوابة ليس رابط مشاركة صالحاً.",
        "fr": "La réponse du portail n'est pas un partage valable.",
        "en": "The portal's answer is not a valid share.",
    },
    "code.presentation.version_mismatch": {
        "ar": "يتضمن هذا العرض (VC 1.1) شهادة بصيغة VC 2.0، وهو ما لا يمكن التحقق منه.",
        "fr": "Cette présentation VC 1.1 contient une attestation VC 2.0, ce qui ne peut pas être vérifié.",
        "en": "This VC 1.1 presentation holds a VC 2.0 credential, which cannot be verified.",
    },
    # --- the signed content ------------------------------------------------------------------
    "field.kind": {"ar": "الوثيقة", "fr": "Document", "en": "Document"},
    "field.documentNumber": {"ar": "رقم الوثيقة", "fr": "Numéro du document", "en": "Document number"},
    "field.familyName": {"ar": "الاسم العائلي", "fr": "Nom", "en": "Family name"},
    "field.givenName": {"ar": "الاسم الشخصي", "fr": "Prénom", "en": "Given name"},
    "field.birthDate": {"ar": "تاريخ الازدياد", "fr": "Né(e) le", "en": "Date of birth"},
    "field.birthPlace": {"ar": "مكان الازدياد", "fr": "Lieu de naissance", "en": "Place of birth"},
    "field.massarCode": {"ar": "رمز مسار", "fr": "Code Massar", "en": "Code Massar"},
    "field.massarBound": {
        "ar": "مرتبط بالختم وغير مقروء (تحقق منه أدناه)",
        "fr": "lié au cachet, non lisible (vérifiez-le ci-dessous)",
        "en": "bound to the seal, not readable (check it below)",
    },
    "field.candidateType": {"ar": "صفة المترشح", "fr": "Candidature", "en": "Candidate"},
    "field.stream": {"ar": "الشعبة", "fr": "Filière", "en": "Stream"},
    "field.option": {"ar": "الخيار", "fr": "Option", "en": "Option"},
    "field.session": {"ar": "الدورة", "fr": "Session", "en": "Session"},
    "field.academy": {"ar": "الأكاديمية", "fr": "Académie", "en": "Regional academy"},
    "field.results": {"ar": "النقط", "fr": "Notes", "en": "Marks"},
    "field.subject": {"ar": "المادة", "fr": "Matière", "en": "Subject"},
    "field.exam": {"ar": "الامتحان", "fr": "Examen", "en": "Exam"},
    "field.coefficient": {"ar": "المعامل", "fr": "Coef.", "en": "Coef."},
    "field.mark": {"ar": "النقطة", "fr": "Note", "en": "Mark"},
    "field.nationalAverage": {"ar": "معدل الامتحان الوطني", "fr": "Moyenne de l'examen national", "en": "National exam average"},
    "field.regionalAverage": {"ar": "معدل الامتحان الجهوي", "fr": "Moyenne de l'examen régional", "en": "Regional exam average"},
    "field.continuousAverage": {"ar": "معدل المراقبة المستمرة", "fr": "Moyenne du contrôle continu", "en": "Continuous assessment average"},
    "field.generalAverage": {"ar": "المعدل العام", "fr": "Moyenne générale", "en": "General average"},
    "field.mention": {"ar": "الميزة", "fr": "Mention", "en": "Honours"},
    "field.decision": {"ar": "القرار", "fr": "Décision", "en": "Decision"},
    "field.issued": {"ar": "تاريخ التسليم", "fr": "Délivré le", "en": "Issued on"},
    "field.validUntil": {"ar": "صالحة إلى غاية", "fr": "Valable jusqu'au", "en": "Valid until"},
    "field.issuer": {"ar": "الجهة المُصدِرة", "fr": "Émetteur", "en": "Issuer"},
    "field.id": {"ar": "المعرِّف", "fr": "Identifiant", "en": "Identifier"},
    "field.holder": {"ar": "صاحب العرض", "fr": "Titulaire", "en": "Holder"},
    "value.diploma": {"ar": "شهادة البكالوريا", "fr": "Diplôme du baccalauréat", "en": "Baccalaureate diploma"},
    "value.transcript": {"ar": "كشف نقط البكالوريا", "fr": "Relevé de notes du baccalauréat", "en": "Baccalaureate transcript"},
    "value.scolarise": {"ar": "مترشح ممدرس", "fr": "Candidat scolarisé", "en": "School candidate"},
    "value.libre": {"ar": "مترشح حر", "fr": "Candidat libre", "en": "Independent candidate"},
    "value.national": {"ar": "وطني", "fr": "national", "en": "national"},
    "value.regional": {"ar": "جهوي", "fr": "régional", "en": "regional"},
}


def text(key: str, lang: Language) -> str:
    """The text of ``key`` in ``lang`` (French, then the key itself, when missing)."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    found = entry.get(lang)
    return found if found is not None else entry.get("fr", key)


def has(key: str) -> bool:
    return key in CATALOGUE


def direction(lang: Language) -> str:
    """``rtl`` for Arabic, ``ltr`` otherwise (the ``dir`` attribute of the page)."""
    return "rtl" if lang == "ar" else "ltr"


def as_language(value: str | None) -> Language | None:
    if value is None:
        return None
    value = value.strip().lower()[:2]
    for lang in LANGUAGES:
        if lang == value:
            return lang
    return None


def negotiate(
    *, param: str | None, cookie: str | None, accepted: Iterable[tuple[str, float]], default: Language
) -> Language:
    """The reader's language: query parameter, cookie, ``Accept-Language`` (best quality first,
    ``ar-MA`` matching ``ar``), then ``default``."""
    for explicit in (param, cookie):
        lang = as_language(explicit)
        if lang is not None:
            return lang
    ranked = sorted(((q, i, tag) for i, (tag, q) in enumerate(accepted) if q > 0), key=lambda x: (-x[0], x[1]))
    for _, _, tag in ranked:
        lang = as_language(tag.split("-")[0])
        if lang is not None:
            return lang
    return default
