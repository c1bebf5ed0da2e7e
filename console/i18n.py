"""The console's pages in Arabic (right to left) and French: the catalogue, a key then its text
in each language (``{name}`` placeholders filled by :func:`text`). Error messages are keyed by
their stable code (``error.<code>``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from shahada.console.settings import LANGUAGES, Language
from shahada.schemas.reference import Label, bundled_reference

__all__ = ["LANGUAGE_NAMES", "direction", "has", "negotiate", "reference_label", "text"]

LANGUAGE_NAMES: Final[Mapping[Language, str]] = {"ar": "العربية", "fr": "Français"}

CATALOGUE: Final[Mapping[str, tuple[str, str]]] = {  # (ar, fr)
    "site.title": ("منصة تدبير الشهادات", "Console de gestion des diplômes"),
    "site.ministry": ("المملكة المغربية — وزارة التربية الوطنية والتعليم الأولي والرياضة",
                      "Royaume du Maroc — Ministère de l'Éducation nationale, du Préscolaire et des Sports"),
    "nav.language": ("اللغة", "Langue"),
    "nav.dashboard": ("لوحة القيادة", "Tableau de bord"),
    "nav.sessions": ("محاضر المداولات", "Procès-verbaux"),
    "nav.documents": ("الوثائق", "Documents"),
    "nav.requests": ("طلبات السحب", "Demandes de révocation"),
    "nav.audit": ("سجل التدقيق", "Journal d'audit"),
    "nav.accounts": ("الحسابات", "Comptes"),
    "nav.signout": ("تسجيل الخروج", "Se déconnecter"),
    "signin.title": ("الدخول إلى المنصة", "Connexion à la console"),
    "signin.intro": ("للموظفين المأذون لهم فقط. أدخل اسم الحساب وكلمة المرور والرمز الذي يعرضه تطبيق المصادقة.",
                     "Réservé au personnel habilité. Saisissez votre compte, votre mot de passe et le code affiché par votre application d'authentification."),
    "field.account": ("اسم الحساب", "Compte"),
    "field.password": ("كلمة المرور", "Mot de passe"),
    "field.totp": ("رمز التحقق (6 أرقام)", "Code de vérification (6 chiffres)"),
    "signin.submit": ("دخول", "Se connecter"),
    "signin.oidc": ("الدخول عبر حساب الوزارة الموحد", "Se connecter avec le compte unique du ministère"),
    "role.academy_operator": ("مشغّل أكاديمية", "Opérateur d'académie"),
    "role.national_operator": ("مشغّل وطني", "Opérateur national"),
    "role.approver": ("مُصادِق", "Approbateur"),
    "role.auditor": ("مدقّق", "Auditeur"),
    "role.administrator": ("مدير الحسابات", "Administrateur"),
    "dash.title": ("لوحة القيادة", "Tableau de bord"),
    "dash.session": ("دورة {year}", "Session {year}"),
    "dash.by_academy": ("الوثائق حسب الأكاديمية", "Documents par académie"),
    "dash.by_day": ("الوثائق الصادرة حسب اليوم", "Documents délivrés par jour"),
    "dash.none": ("لا توجد وثيقة صادرة لهذه الدورة بعد.", "Aucun document délivré pour cette session."),
    "dash.results_open": ("النتائج مفتوحة للمترشحين منذ {when}", "Résultats ouverts aux bacheliers depuis le {when}"),
    "dash.results_closed": ("النتائج غير مفتوحة بعد للمترشحين في البوابة.", "Les résultats ne sont pas encore ouverts aux bacheliers sur le portail."),
    "dash.open_results": ("فتح يوم النتائج", "Ouvrir le jour des résultats"),
    "dash.open_confirm": ("بعد الفتح، يمكن للمترشحين ولوج وثائقهم في البوابة. لا رجعة في ذلك.",
                          "Une fois ouverts, les bacheliers accèdent à leurs documents sur le portail. C'est irréversible."),
    "traffic.title": ("حركة التحقق", "Vérifications"),
    "traffic.intro": ("عمليات التحقق التي أجراها المتحقق العمومي منذ {since}: أعداد فقط، دون أي معطى شخصي.",
                      "Vérifications faites par le vérificateur public depuis le {since} : des nombres seulement, aucune donnée personnelle."),
    "traffic.total": ("{count} عملية تحقق", "{count} vérifications"),
    "traffic.none": ("لا توجد أي عملية تحقق في هذه الفترة.", "Aucune vérification sur cette période."),
    "traffic.by_day": ("عمليات التحقق حسب اليوم والنتيجة", "Vérifications par jour et par verdict"),
    "traffic.failures": ("أسباب الإخفاق", "Échecs par motif"),
    "traffic.shares": ("استعمال روابط المشاركة", "Utilisation des liens de partage"),
    "traffic.no_shares": ("لم يُفتح أي رابط مشاركة في هذه الفترة.", "Aucun lien de partage ouvert sur cette période."),
    "traffic.kind": ("ما تم التحقق منه", "Objet vérifié"),
    "traffic.count": ("العدد", "Nombre"),
    "traffic.code": ("الرمز", "Code"),
    "traffic.meaning": ("المعنى", "Signification"),
    "traffic.valid": ("صالحة", "Valide"),
    "traffic.invalid": ("غير صالحة", "Non valide"),
    "traffic.revoked": ("مسحوبة", "Révoqué"),
    "traffic.suspended": ("موقوفة", "Suspendu"),
    "traffic.incomplete": ("تحقق غير مكتمل", "Vérification incomplète"),
    "traffic.unusable": ("غير قابلة للقراءة", "Illisible"),
    "traffic.error": ("طلب مرفوض", "Demande refusée"),
    "traffic.served": ("مفتوحة", "Ouverts"),
    "traffic.refused": ("مرفوضة (منتهية أو ملغاة)", "Refusés (expirés ou révoqués)"),
    "reason.scan.no_code": ("لم يُعثر على رمز QR في الملف أو الصورة.", "Aucun QR code trouvé dans le fichier ou la photo."),
    "reason.scan.unreadable": ("تعذرت قراءة الملف أو الصورة.", "Le fichier ou la photo n'a pas pu être lu."),
    "reason.input.unrecognized": ("ليس وثيقة رقمية ولا رمز QR.", "Ni une attestation numérique ni un QR code."),
    "reason.work.timeout": ("استغرق التحقق وقتاً أطول من المسموح.", "La vérification a dépassé le temps permis."),
    "reason.service.busy": ("كان المتحقق مشغولاً.", "Le vérificateur était occupé."),
    "reason.request.too_large": ("ملف أكبر من المسموح.", "Fichier trop volumineux."),
    "traffic.kind.credential": ("شهادة رقمية", "Attestation numérique"),
    "traffic.kind.presentation": ("عرض من محفظة", "Présentation d'un portefeuille"),
    "traffic.kind.seal": ("رمز QR مطبوع", "QR code imprimé"),
    "traffic.kind.pdf": ("ملف PDF", "Fichier PDF"),
    "traffic.kind.photo": ("صورة", "Photo"),
    "traffic.kind.share": ("رابط مشاركة", "Lien de partage"),
    "traffic.kind.lookup": ("بحث بالرقم", "Recherche par numéro"),
    "traffic.kind.document": ("نص أو ملف غير معروف", "Texte ou fichier non reconnu"),
    "state.issued": ("صادرة", "Délivrés"),
    "state.printed": ("مطبوعة", "Imprimés"),
    "state.delivered": ("في المحفظة", "Remis au portefeuille"),
    "state.revoked": ("مسحوبة", "Révoqués"),
    "state.suspended": ("موقوفة", "Suspendus"),
    "field.academy": ("الأكاديمية", "Académie"),
    "field.stream": ("الشعبة", "Filière"),
    "field.decision": ("القرار", "Décision"),
    "field.mention": ("الميزة", "Mention"),
    "field.year": ("الدورة", "Session"),
    "field.file": ("ملف المحضر (CSV أو XLSX)", "Fichier du PV (CSV ou XLSX)"),
    "field.reason": ("السبب", "Motif"),
    "field.reference": ("رقم الوثيقة أو رمز مسار", "Numéro du document ou Code Massar"),
    "field.state": ("الحالة", "État"),
    "field.by": ("بواسطة", "Par"),
    "field.when": ("التاريخ", "Date"),
    "field.row": ("السطر", "Ligne"),
    "field.column": ("العمود", "Colonne"),
    "field.code": ("الرمز", "Code"),
    "field.message": ("الرسالة", "Message"),
    "field.count": ("العدد", "Nombre"),
    "field.candidate": ("المترشح", "Candidat"),
    "field.subject": ("موضوع العملية", "Objet"),
    "field.action": ("العملية", "Action"),
    "field.change": ("التغيير", "Modification"),
    "field.role": ("الدور", "Rôle"),
    "sessions.title": ("محاضر المداولات", "Procès-verbaux de délibération"),
    "sessions.upload": ("رفع محضر", "Déposer un PV"),
    "sessions.upload_submit": ("رفع والتحقق", "Déposer et valider"),
    "sessions.none": ("لم يُرفع أي محضر بعد.", "Aucun PV déposé."),
    "sub.title": ("المحضر رقم {id}: {file}", "PV n° {id} : {file}"),
    "sub.state.invalid": ("غير صالح", "Invalide"),
    "sub.state.valid": ("صالح، لم يُرسل بعد", "Valide, non soumis"),
    "sub.state.submitted": ("في انتظار المصادقة", "En attente d'approbation"),
    "sub.state.rejected": ("مرفوض", "Rejeté"),
    "sub.state.issuing": ("الإصدار جارٍ", "Délivrance en cours"),
    "sub.state.issued": ("صادر", "Délivré"),
    "sub.state.failed": ("توقف الإصدار", "Délivrance interrompue"),
    "sub.uploaded": ("رفعه {who} في {when}", "Déposé par {who} le {when}"),
    "sub.approved": ("صادق عليه {who} في {when}", "Approuvé par {who} le {when}"),
    "sub.problems": ("{n} مشكلة في الملف: لم يُصدر شيء. صحِّح الملف ثم ارفعه من جديد.", "{n} problème(s) dans le fichier : rien n'a été délivré. Corrigez-le et déposez-le à nouveau."),
    "sub.filter": ("تصفية حسب الرمز أو العمود", "Filtrer par code ou colonne"),
    "sub.filter_submit": ("تصفية", "Filtrer"),
    "sub.download": ("تحميل التقرير (CSV)", "Télécharger le rapport (CSV)"),
    "sub.summary": ("ملخص المحضر", "Synthèse du PV"),
    "sub.records": ("{n} مترشح؛ {new} وثيقة جديدة؛ {unchanged} صادرة من قبل دون تغيير", "{n} candidats ; {new} documents nouveaux ; {unchanged} déjà délivrés, inchangés"),
    "sub.anomalies": ("ما يستحق الانتباه", "Points d'attention"),
    "sub.no_anomaly": ("لا شيء يستحق الانتباه.", "Aucun point d'attention."),
    "sub.changes": ("تصحيحات لوثائق صادرة ({n}): القيمة القديمة ← الجديدة", "Rectifications de documents délivrés ({n}) : ancienne valeur → nouvelle"),
    "sub.no_admitted": ("أكاديميات بلا أي ناجح: {list}", "Académies sans aucun admis : {list}"),
    "sub.submit": ("إرسال للمصادقة", "Soumettre pour approbation"),
    "sub.approve": ("المصادقة والإصدار", "Approuver et délivrer"),
    "sub.reject": ("رفض", "Rejeter"),
    "sub.resume": ("استئناف الإصدار", "Reprendre la délivrance"),
    "sub.four_eyes": ("يصادق على هذا المحضر شخص آخر غير من رفعه.", "Ce PV doit être approuvé par une autre personne que celle qui l'a déposé."),
    "sub.progress": ("{done} من {total} وثيقة", "{done} sur {total} documents"),
    "sub.rate": ("{rate} وثيقة/ث، الوقت المتبقي {eta}", "{rate} documents/s, reste {eta}"),
    "sub.failed": ("توقف الإصدار: {error}", "Délivrance interrompue : {error}"),
    "print.title": ("دفعات الطباعة حسب الأكاديمية", "Lots d'impression par académie"),
    "print.run": ("طباعة", "Imprimer"),
    "print.download": ("تحميل (ZIP)", "Télécharger (ZIP)"),
    "print.running": ("الطباعة جارية: {done} من {total}", "Impression en cours : {done} sur {total}"),
    "docs.title": ("الوثائق: إيقاف وسحب", "Documents : suspension et révocation"),
    "docs.search": ("بحث", "Rechercher"),
    "docs.suspend": ("إيقاف", "Suspendre"),
    "docs.unsuspend": ("رفع الإيقاف", "Lever la suspension"),
    "docs.request_revoke": ("طلب السحب (يتطلب مصادقة ثانية)", "Demander la révocation (seconde approbation requise)"),
    "docs.requested": ("أُرسل طلب السحب رقم {id}؛ ينتظر مصادقة شخص آخر.", "Demande de révocation n° {id} envoyée ; elle attend l'approbation d'une autre personne."),
    "docs.changed": ("تم تغيير حالة {number}.", "Statut de {number} modifié."),
    "docs.state.valid": ("صالحة", "Valide"),
    "docs.state.revoked": ("مسحوبة", "Révoquée"),
    "docs.state.suspended": ("موقوفة", "Suspendue"),
    "docs.state.superseded": ("مستبدلة", "Remplacée"),
    "kind.diploma": ("شهادة", "Diplôme"),
    "kind.transcript": ("كشف نقط", "Relevé de notes"),
    "req.document": ("الوثيقة المطلوب سحبها", "Document à révoquer"),
    "req.documents": ("وثائق المترشح", "Documents du candidat"),
    "field.session": ("الدورة", "Session"),
    "field.massar": ("رمز مسار", "Code Massar"),
    "req.title": ("طلبات السحب", "Demandes de révocation"),
    "req.none": ("لا توجد طلبات.", "Aucune demande."),
    "req.approve": ("المصادقة على السحب", "Approuver la révocation"),
    "req.reject": ("رفض", "Rejeter"),
    "req.state.pending": ("في الانتظار", "En attente"),
    "req.state.approved": ("تمت المصادقة", "Approuvée"),
    "req.state.rejected": ("مرفوض", "Rejetée"),
    "audit.title": ("سجل التدقيق", "Journal d'audit"),
    "audit.intact": ("سلسلة السجل سليمة ({n} عملية).", "Chaîne du journal intacte ({n} entrées)."),
    "audit.broken": ("سلسلة السجل معطوبة!", "Chaîne du journal altérée !"),
    "accounts.title": ("الحسابات", "Comptes"),
    "accounts.create": ("إنشاء حساب", "Créer un compte"),
    "accounts.created": ("تم إنشاء الحساب {name}.", "Compte {name} créé."),
    "accounts.totp_once": ("سرّ رمز التحقق معروض هنا مرة واحدة فقط: أدخله في تطبيق المصادقة لصاحب الحساب.",
                           "Le secret du code de vérification n'est affiché qu'ici, une seule fois : saisissez-le dans l'application d'authentification du titulaire."),
    "error.form.account": ("اسم الحساب أو الدور أو الأكاديمية غير صالح، أو الحساب موجود.", "Nom de compte, rôle ou académie invalide, ou compte existant."),
    "error.form.password": ("كلمة المرور 12 حرفاً على الأقل.", "Le mot de passe compte au moins 12 caractères."),
    "accounts.disable": ("تعطيل", "Désactiver"),
    "accounts.enable": ("تفعيل", "Réactiver"),
    "accounts.disabled": ("معطّل", "Désactivé"),
    "footer.session": ("تنتهي الجلسة بعد {minutes} دقيقة دون نشاط. كل عملية مسجلة في سجل التدقيق باسم حسابك.",
                       "La session se ferme après {minutes} minutes d'inactivité. Chaque action est inscrite au journal d'audit sous votre compte."),
    "error.title": ("حدث خطأ", "Une erreur s'est produite"),
    "error.back": ("العودة", "Retour"),
    "error.signin.failed": ("اسم الحساب أو كلمة المرور أو الرمز غير صحيح.", "Compte, mot de passe ou code incorrect."),
    "error.signin.provider": ("تعذّر الاتصال بمزوّد الهوية. أعد المحاولة لاحقاً.", "Le fournisseur d'identité est injoignable. Réessayez plus tard."),
    "error.rate.limited": ("محاولات كثيرة. أعد المحاولة بعد {minutes} دقيقة.", "Trop de tentatives. Réessayez dans {minutes} minutes."),
    "error.role.forbidden": ("دورك لا يسمح بهذه العملية.", "Votre rôle ne permet pas cette action."),
    "error.role.academy": ("هذه المعطيات تخص أكاديمية أخرى.", "Ces données relèvent d'une autre académie."),
    "error.role.four_eyes": ("يجب أن يصادق شخص آخر على ما أرسلته.", "Une autre personne doit approuver ce que vous avez soumis."),
    "error.form.csrf": ("انتهت صلاحية الاستمارة. أعد تحميل الصفحة.", "Le formulaire a expiré. Rechargez la page."),
    "error.form.file": ("اختر ملف محضر (CSV أو XLSX).", "Choisissez un fichier de PV (CSV ou XLSX)."),
    "error.form.reason": ("اذكر السبب.", "Indiquez le motif."),
    "error.status.reference": ("ليس رقم وثيقة ولا رمز مسار.", "Ni un numéro de document ni un Code Massar."),
    "error.status.unknown": ("لا توجد وثيقة صادرة بهذا المرجع.", "Aucun document délivré sous cette référence."),
    "error.state.submission": ("حالة المحضر لا تسمح بهذه العملية.", "L'état du PV ne permet pas cette action."),
    "error.state.request": ("تم البت في هذا الطلب من قبل.", "Cette demande a déjà été traitée."),
    "error.state.document": ("هذه الوثيقة مسحوبة من قبل.", "Ce document est déjà révoqué."),
    "error.print.unavailable": ("لا تطبع هذه المنصة أي وثيقة (لا طابعة مهيأة).", "Cette console n'imprime pas (aucune impression configurée)."),
    "error.http.404": ("الصفحة غير موجودة.", "Page introuvable."),
    "error.http.413": ("الملف كبير جداً.", "Fichier trop volumineux."),
}


def text(key: str, lang: Language, **values: object) -> str:
    ar, fr = CATALOGUE.get(key, (key, key))
    chosen = ar if lang == "ar" else fr
    return chosen.format(**values) if values else chosen


def has(key: str) -> bool:
    return key in CATALOGUE


def direction(lang: Language) -> str:
    return "rtl" if lang == "ar" else "ltr"


def negotiate(*, param: str | None, remembered: str | None, accepted: list[str], default: Language) -> Language:
    """``?lang=``, then the session's, then the browser's ``Accept-Language``, then the default."""
    for candidate in (param, remembered, *(a.split("-")[0] for a in accepted)):
        code = (candidate or "").strip().lower()
        for lang in LANGUAGES:
            if code == lang:
                return lang
    return default


def reference_label(kind: str, code: str, lang: Language) -> str:
    """The name of an academy, stream, decision, session or mention code in ``lang``, from the reference
    data (``schemas/reference``); the code itself when it has none."""
    reference = bundled_reference()
    found: Label | None
    if kind == "academy":
        found = reference.academies.get(code)
    elif kind == "stream":
        stream = reference.streams.get(code)
        found = stream.name if stream is not None else None
    elif kind == "decision":
        found = reference.decisions.get(code)
    elif kind == "session":
        found = reference.sessions.get(code)
    elif kind == "mention":
        found = next((m.name for m in reference.mentions if m.code == code), None)
    else:
        found = None
    if found is None:
        return code
    return found.ar if lang == "ar" else found.fr
