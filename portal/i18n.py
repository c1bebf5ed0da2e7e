"""The portal's pages in Arabic, French and English: the catalogue.

The reader's language is chosen as on the verifier's pages (:func:`shahada.verifier.web.i18n.negotiate`):
a ``lang`` link on every page, then the language remembered in the session, then the browser's
``Accept-Language``, then the configured default. Arabic pages are right to left.

The catalogue is data: a key, then its text in each language; ``{name}`` placeholders are filled
by :func:`text`. Error messages are keyed by their stable code (``error.<code>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from shahada.verifier.web.i18n import LANGUAGE_NAMES, direction, negotiate
from shahada.verifier.web.settings import LANGUAGES, Language

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "Language", "direction", "has", "negotiate", "text"]

_T = Mapping[Language, str]

CATALOGUE: Final[Mapping[str, _T]] = {
    # --- the frame -----------------------------------------------------------------------------
    "site.title": {"ar": "بوابة حاملي البكالوريا", "fr": "Portail des bacheliers", "en": "Baccalaureate graduate portal"},
    "site.ministry": {
        "ar": "المملكة المغربية — وزارة التربية الوطنية والتعليم الأولي والرياضة",
        "fr": "Royaume du Maroc — Ministère de l'Éducation nationale, du Préscolaire et des Sports",
        "en": "Kingdom of Morocco — Ministry of National Education, Preschool and Sports",
    },
    "nav.language": {"ar": "اللغة", "fr": "Langue", "en": "Language"},
    "nav.documents": {"ar": "وثائقي", "fr": "Mes documents", "en": "My documents"},
    "nav.shares": {"ar": "روابط المشاركة", "fr": "Liens de partage", "en": "Share links"},
    "nav.signout": {"ar": "تسجيل الخروج", "fr": "Se déconnecter", "en": "Sign out"},
    "nav.signin": {"ar": "الدخول", "fr": "Se connecter", "en": "Sign in"},
    "footer.privacy": {
        "ar": "لا كلمة مرور هنا: كل رمز صالح لمرة واحدة، وتنتهي الجلسة بعد {minutes} دقيقة.",
        "fr": "Aucun mot de passe : chaque code ne sert qu'une fois, et la session se ferme après {minutes} minutes.",
        "en": "No password here: each code works once, and your session ends after {minutes} minutes.",
    },
    # --- sign-in, step one ---------------------------------------------------------------------
    "signin.title": {"ar": "الولوج إلى وثائقك", "fr": "Accéder à vos documents", "en": "Access your documents"},
    "signin.intro": {
        "ar": "أدخل رمز مسار وتاريخ ازديادك. إن كانت المعلومات مطابقة لمترشح، نرسل رمزاً لمرة واحدة إلى الهاتف أو البريد الإلكتروني المسجَّل في منظومة مسار.",
        "fr": "Saisissez votre Code Massar et votre date de naissance. S'ils correspondent à un candidat, un code à usage unique est envoyé au téléphone ou à l'adresse électronique enregistrés dans Massar.",
        "en": "Enter your Code Massar and your date of birth. If they match a candidate, a one-time code is sent to the phone or e-mail address recorded in Massar.",
    },
    "field.massar": {"ar": "رمز مسار", "fr": "Code Massar", "en": "Code Massar"},
    "field.massar.help": {
        "ar": "حرف متبوع بتسعة أرقام، مثل R130045678",
        "fr": "Une lettre suivie de neuf chiffres, par exemple R130045678",
        "en": "One letter followed by nine digits, for example R130045678",
    },
    "field.birth_date": {"ar": "تاريخ الازدياد", "fr": "Date de naissance", "en": "Date of birth"},
    "signin.submit": {"ar": "أرسلوا إليّ رمزاً", "fr": "Recevoir un code", "en": "Send me a code"},
    # --- sign-in, step two ---------------------------------------------------------------------
    "code.title": {"ar": "أدخل الرمز", "fr": "Saisissez le code", "en": "Enter the code"},
    "code.sent": {
        "ar": "إذا كانت هذه المعلومات مطابقة لمترشح، فقد أُرسل رمز من 6 أرقام إلى وسيلة الاتصال المسجَّلة في مسار. الرمز صالح لمدة {minutes} دقائق.",
        "fr": "Si ces informations correspondent à un candidat, un code à 6 chiffres a été envoyé aux coordonnées enregistrées dans Massar. Il est valable {minutes} minutes.",
        "en": "If these details match a candidate, a 6-digit code has been sent to the contact details recorded in Massar. It is valid for {minutes} minutes.",
    },
    "field.code": {"ar": "الرمز المكوَّن من 6 أرقام", "fr": "Code à 6 chiffres", "en": "6-digit code"},
    "code.submit": {"ar": "دخول", "fr": "Se connecter", "en": "Sign in"},
    "code.restart": {"ar": "لم يصلك الرمز؟ ابدأ من جديد", "fr": "Pas de code reçu ? Recommencer", "en": "No code? Start again"},
    # --- documents -----------------------------------------------------------------------------
    "docs.title": {"ar": "وثائقي", "fr": "Mes documents", "en": "My documents"},
    "docs.intro": {
        "ar": "هذه هي الوثائق التي أصدرتها الوزارة باسمك. يمكنك تحميلها، أو إضافتها إلى محفظتك الرقمية، أو مشاركتها مع جامعة أو مشغِّل.",
        "fr": "Voici les documents que le ministère a délivrés à votre nom. Vous pouvez les télécharger, les ajouter à votre portefeuille numérique ou les partager avec une université ou un employeur.",
        "en": "These are the documents the ministry issued in your name. You can download them, add them to your digital wallet, or share them with a university or an employer.",
    },
    "docs.none": {"ar": "لا توجد أي وثيقة صادرة باسمك.", "fr": "Aucun document n'a été délivré à votre nom.", "en": "No document has been issued in your name."},
    "kind.diploma": {"ar": "شهادة البكالوريا", "fr": "Diplôme du baccalauréat", "en": "Baccalaureate diploma"},
    "kind.transcript": {"ar": "كشف نقط البكالوريا", "fr": "Relevé de notes du baccalauréat", "en": "Baccalaureate transcript"},
    "field.session": {"ar": "الدورة", "fr": "Session", "en": "Session"},
    "field.number": {"ar": "رقم الوثيقة", "fr": "Numéro du document", "en": "Document number"},
    "field.average": {"ar": "المعدل العام", "fr": "Moyenne générale", "en": "General average"},
    "field.mention": {"ar": "الميزة", "fr": "Mention", "en": "Honours"},
    "field.decision": {"ar": "القرار", "fr": "Décision", "en": "Decision"},
    "field.status": {"ar": "الوضعية", "fr": "Statut", "en": "Status"},
    "status.valid": {"ar": "صالحة", "fr": "Valide", "en": "Valid"},
    "status.revoked": {"ar": "ملغاة", "fr": "Révoqué", "en": "Revoked"},
    "status.suspended": {"ar": "موقوفة", "fr": "Suspendu", "en": "Suspended"},
    "docs.pdf": {"ar": "تحميل PDF", "fr": "Télécharger le PDF", "en": "Download the PDF"},
    "docs.json": {"ar": "الشهادة الرقمية (JSON)", "fr": "Attestation numérique (JSON)", "en": "Digital credential (JSON)"},
    "docs.french_values": {
        "ar": "",
        "fr": "",
        "en": "The ministry signs its documents in French and Arabic; their values are shown in French.",
    },
    # --- wallet --------------------------------------------------------------------------------
    "wallet.heading": {"ar": "المحفظة الرقمية", "fr": "Portefeuille numérique", "en": "Digital wallet"},
    "wallet.help": {
        "ar": "تتلقى محفظتك الرقمية (تطبيق على هاتفك) وثائقك الصالحة موقَّعة من الوزارة، فتقدّمها لمن تشاء.",
        "fr": "Votre portefeuille numérique (une application sur votre téléphone) reçoit vos documents valides, signés par le ministère, pour les présenter à qui vous voulez.",
        "en": "Your digital wallet (an app on your phone) receives your valid documents, signed by the ministry, to present them to whom you choose.",
    },
    "wallet.add": {"ar": "أضف إلى محفظتي", "fr": "Ajouter à mon portefeuille", "en": "Add to my wallet"},
    "wallet.title": {"ar": "الإضافة إلى المحفظة", "fr": "Ajout au portefeuille", "en": "Add to your wallet"},
    "wallet.scan": {
        "ar": "امسح هذا الرمز بتطبيق محفظتك، أو افتح الرابط على الهاتف الذي توجد عليه المحفظة.",
        "fr": "Scannez ce code avec l'application de votre portefeuille, ou ouvrez le lien sur le téléphone qui l'héberge.",
        "en": "Scan this code with your wallet app, or open the link on the phone that holds your wallet.",
    },
    "wallet.open": {"ar": "افتح في المحفظة", "fr": "Ouvrir dans le portefeuille", "en": "Open in my wallet"},
    "wallet.link": {"ar": "رابط الدعوة", "fr": "Lien d'invitation", "en": "Invitation link"},
    "wallet.private": {
        "ar": "هذا الرمز خاص بك: من يمسحه يتلقى وثائقك. لا تشاركه مع أحد.",
        "fr": "Ce code est personnel : qui le scanne reçoit vos documents. Ne le partagez avec personne.",
        "en": "This code is yours alone: whoever scans it receives your documents. Do not share it.",
    },
    "wallet.qr": {"ar": "رمز QR لدعوة المحفظة", "fr": "Code QR de l'invitation du portefeuille", "en": "QR code of the wallet invitation"},
    "wallet.state": {"ar": "حالة الإرسال", "fr": "État de l'envoi", "en": "Delivery status"},
    "wallet.state.invited": {"ar": "في انتظار محفظتك…", "fr": "En attente de votre portefeuille…", "en": "Waiting for your wallet…"},
    "wallet.state.delivered": {"ar": "وصلت وثائقك إلى محفظتك.", "fr": "Vos documents sont dans votre portefeuille.", "en": "Your documents are in your wallet."},
    "wallet.state.failed": {"ar": "تعذّر الإرسال. أعد المحاولة.", "fr": "L'envoi a échoué. Réessayez.", "en": "The delivery failed. Try again."},
    "wallet.back": {"ar": "العودة إلى وثائقي", "fr": "Retour à mes documents", "en": "Back to my documents"},
    "wallet.choose": {"ar": "الوثائق التي سترسل إلى المحفظة", "fr": "Documents à envoyer au portefeuille", "en": "Documents to send to the wallet"},
    "wallet.tx_code": {
        "ar": "ستطلب منك المحفظة رمزاً من ستة أرقام: أرسلناه إليك للتوّ كما نرسل رمز الدخول.",
        "fr": "Le portefeuille vous demandera un code à six chiffres : nous venons de vous l'envoyer, comme le code de connexion.",
        "en": "The wallet will ask for a six-digit code: we have just sent it to you, like the sign-in code.",
    },
    "wallet.expires": {"ar": "يصلح هذا الرمز مرة واحدة، حتى {when} (بالتوقيت العالمي).", "fr": "Ce code sert une fois, jusqu'au {when} (UTC).", "en": "This code works once, until {when} (UTC)."},
    "wallet.apps": {"ar": "أي تطبيق محفظة؟", "fr": "Quelle application de portefeuille ?", "en": "Which wallet app?"},
    "wallet.apps.vcapi": {
        "ar": "Learner Credential Wallet (بروتوكول VC API)",
        "fr": "Learner Credential Wallet (protocole VC API)",
        "en": "Learner Credential Wallet (VC API protocol)",
    },
    "wallet.apps.oid4vci": {
        "ar": "محافظ OpenID4VCI (مثل Sphereon وwalt.id وInji)",
        "fr": "Portefeuilles OpenID4VCI (Sphereon, walt.id, Inji…)",
        "en": "OpenID4VCI wallets (Sphereon, walt.id, Inji…)",
    },
    "wallet.apps.didcomm": {
        "ar": "محافظ DIDComm المبنية على Credo أو ACA-Py",
        "fr": "Portefeuilles DIDComm bâtis sur Credo ou ACA-Py",
        "en": "DIDComm wallets built on Credo or ACA-Py",
    },
    "wallet.open_oid4vci": {"ar": "افتح العرض", "fr": "Ouvrir l'offre", "en": "Open the offer"},
    # --- share links ---------------------------------------------------------------------------
    "shares.title": {"ar": "روابط المشاركة", "fr": "Liens de partage", "en": "Share links"},
    "shares.intro": {
        "ar": "أنشئ رابطاً لجهة معيّنة (جامعة، مشغِّل…) تتحقق به من وثائقك مباشرة لدى الوزارة. يمكنك إلغاؤه في أي وقت، وترى هنا كل استعمال له.",
        "fr": "Créez un lien pour un destinataire (université, employeur…) qui vérifiera vos documents directement auprès du ministère. Vous pouvez le révoquer à tout moment, et vous voyez ici chacune de ses utilisations.",
        "en": "Create a link for a recipient (a university, an employer…) who will check your documents directly with the ministry. You can revoke it at any time, and you see every use of it here.",
    },
    "shares.new": {"ar": "رابط جديد", "fr": "Nouveau lien", "en": "New link"},
    "field.recipient": {"ar": "الجهة المستقبِلة", "fr": "Destinataire", "en": "Recipient"},
    "field.recipient.help": {
        "ar": "مثلاً: جامعة مونتريال – التسجيل",
        "fr": "Par exemple : Université de Montréal – admissions",
        "en": "For example: Université de Montréal – admissions",
    },
    "field.days": {"ar": "مدة الصلاحية", "fr": "Durée de validité", "en": "Valid for"},
    "days.1": {"ar": "يوم واحد", "fr": "1 jour", "en": "1 day"},
    "days.few": {"ar": "{n} أيام", "fr": "{n} jours", "en": "{n} days"},  # Arabic counts 3–10 with a plural
    "days.n": {"ar": "{n} يوماً", "fr": "{n} jours", "en": "{n} days"},
    "field.documents": {"ar": "الوثائق المشارَكة", "fr": "Documents partagés", "en": "Documents shared"},
    "shares.create": {"ar": "أنشئ الرابط", "fr": "Créer le lien", "en": "Create the link"},
    "shares.created": {
        "ar": "الرابط جاهز. انسخه الآن وأرسله إلى الجهة المعنية: لن يُعرض مرة أخرى.",
        "fr": "Le lien est prêt. Copiez-le maintenant et envoyez-le au destinataire : il ne sera plus affiché.",
        "en": "Your link is ready. Copy it now and send it to the recipient: it will not be shown again.",
    },
    "shares.list": {"ar": "روابطك", "fr": "Vos liens", "en": "Your links"},
    "shares.none": {"ar": "لم تنشئ أي رابط بعد.", "fr": "Vous n'avez créé aucun lien.", "en": "You have not created any link yet."},
    "shares.created_at": {"ar": "أُنشئ في", "fr": "Créé le", "en": "Created"},
    "shares.expires": {"ar": "ينتهي في", "fr": "Expire le", "en": "Expires"},
    "shares.revoked_at": {"ar": "أُلغي في", "fr": "Révoqué le", "en": "Revoked"},
    "shares.revoke": {"ar": "ألغِ الرابط", "fr": "Révoquer", "en": "Revoke"},
    "state.active": {"ar": "نشِط", "fr": "Actif", "en": "Active"},
    "state.expired": {"ar": "منتهي الصلاحية", "fr": "Expiré", "en": "Expired"},
    "state.revoked": {"ar": "ملغى", "fr": "Révoqué", "en": "Revoked"},
    "shares.log": {"ar": "سجل الاستعمال ({count})", "fr": "Journal des accès ({count})", "en": "Access log ({count})"},
    "shares.log.none": {"ar": "لم يُستعمل هذا الرابط بعد.", "fr": "Ce lien n'a pas encore été utilisé.", "en": "This link has not been used yet."},
    "access.browser.served": {
        "ar": "فُتح الرابط في متصفح {software}، فعرض موقع التحقق وثائقك.",
        "fr": "Lien ouvert dans un navigateur {software} : le site de vérification a affiché vos documents.",
        "en": "The link was opened in a web browser {software}: the verification website showed your documents.",
    },
    "access.api.served": {
        "ar": "قرأ الرابطَ برنامجُ تحقق {software}، فتسلّم وثائقك.",
        "fr": "Lien lu par un logiciel de vérification {software} : vos documents lui ont été transmis.",
        "en": "The link was read by verification software {software}: your documents were sent to it.",
    },
    "access.browser.expired": {
        "ar": "فُتح الرابط في متصفح {software} بعد انتهاء صلاحيته، فلم يُعرض شيء.",
        "fr": "Lien ouvert dans un navigateur {software} après son expiration : rien n'a été montré.",
        "en": "The link was opened in a web browser {software} after it expired: nothing was shown.",
    },
    "access.api.expired": {
        "ar": "حاول برنامج تحقق {software} قراءة الرابط بعد انتهاء صلاحيته، فلم يُرسل شيء.",
        "fr": "Un logiciel de vérification {software} a tenté de lire le lien après son expiration : rien n'a été transmis.",
        "en": "Verification software {software} tried the link after it expired: nothing was sent.",
    },
    "access.browser.revoked": {
        "ar": "فُتح الرابط في متصفح {software} بعد أن ألغيته، فلم يُعرض شيء.",
        "fr": "Lien ouvert dans un navigateur {software} après que vous l'avez révoqué : rien n'a été montré.",
        "en": "The link was opened in a web browser {software} after you revoked it: nothing was shown.",
    },
    "access.api.revoked": {
        "ar": "حاول برنامج تحقق {software} قراءة الرابط بعد أن ألغيته، فلم يُرسل شيء.",
        "fr": "Un logiciel de vérification {software} a tenté de lire le lien après que vous l'avez révoqué : rien n'a été transmis.",
        "en": "Verification software {software} tried the link after you revoked it: nothing was sent.",
    },
    "access.at": {"ar": "{when} (بتوقيت UTC)", "fr": "Le {when} (UTC)", "en": "On {when} (UTC)"},
    "access.network": {"ar": "الشبكة: {client}", "fr": "Réseau : {client}", "en": "Network: {client}"},
    "access.unknown_software": {"ar": "برنامج غير معروف", "fr": "logiciel inconnu", "en": "unknown software"},
    "access.unknown_network": {"ar": "غير معروفة", "fr": "inconnu", "en": "unknown"},
    "access.once": {
        "ar": "كل زيارة مسجلة مرة واحدة. يُعرض عنوان الشبكة مختصراً.",
        "fr": "Chaque accès est noté une fois. L'adresse du réseau est abrégée.",
        "en": "Each access is listed once. Network addresses are shortened.",
    },
    # --- errors (by code) ----------------------------------------------------------------------
    "error.title": {"ar": "تعذّر إتمام الطلب", "fr": "Demande impossible", "en": "Request not possible"},
    "error.back": {"ar": "العودة إلى البداية", "fr": "Retour à l'accueil", "en": "Back to the start"},
    "error.form.csrf": {
        "ar": "انتهت صلاحية هذه الاستمارة. أعد تحميل الصفحة ثم حاول مجدداً.",
        "fr": "Ce formulaire a expiré. Rechargez la page et réessayez.",
        "en": "This form has expired. Reload the page and try again.",
    },
    "error.form.massar_missing": {"ar": "أدخل رمز مسار.", "fr": "Saisissez votre Code Massar.", "en": "Enter your Code Massar."},
    "error.form.massar": {
        "ar": "رمز مسار يتكوّن من حرف واحد متبوع بتسعة أرقام (مثل R130045678).",
        "fr": "Un Code Massar est une lettre suivie de neuf chiffres (par exemple R130045678).",
        "en": "A Code Massar is one letter followed by nine digits (for example R130045678).",
    },
    "error.form.birth_date_missing": {"ar": "أدخل تاريخ ازديادك.", "fr": "Saisissez votre date de naissance.", "en": "Enter your date of birth."},
    "error.form.birth_date": {
        "ar": "تاريخ غير صالح: استعمل الصيغة يوم/شهر/سنة (مثل 14/03/2007).",
        "fr": "Date invalide : utilisez le format JJ/MM/AAAA (par exemple 14/03/2007).",
        "en": "Not a valid date: use DD/MM/YYYY (for example 14/03/2007).",
    },
    "error.form.birth_date_range": {
        "ar": "تاريخ الازدياد يجب أن يكون بين 1900 واليوم.",
        "fr": "La date de naissance doit être comprise entre 1900 et aujourd'hui.",
        "en": "The date of birth must be between 1900 and today.",
    },
    "error.form.code_missing": {"ar": "أدخل الرمز الذي توصلت به.", "fr": "Saisissez le code reçu.", "en": "Enter the code you received."},
    "error.form.code": {"ar": "الرمز يتكوّن من 6 أرقام.", "fr": "Le code compte 6 chiffres.", "en": "The code has 6 digits."},
    "error.form.recipient": {
        "ar": "اكتب اسم الجهة المستقبِلة في سطر واحد (200 حرف على الأكثر).",
        "fr": "Indiquez le destinataire sur une ligne (200 caractères au plus).",
        "en": "Name the recipient on one line (at most 200 characters).",
    },
    "error.form.duration": {
        "ar": "اختر مدة بين يوم واحد و{longest} يوماً.",
        "fr": "Choisissez une durée de 1 à {longest} jours.",
        "en": "Choose a duration from 1 to {longest} days.",
    },
    "error.form.documents": {
        "ar": "اختر وثيقة واحدة على الأقل من وثائقك.",
        "fr": "Choisissez au moins un de vos documents.",
        "en": "Choose at least one of your documents.",
    },
    "error.signin.code_invalid": {
        "ar": "الرمز غير صحيح أو انتهت صلاحيته. تحقّق منه أو اطلب رمزاً جديداً.",
        "fr": "Code incorrect ou expiré. Vérifiez-le ou demandez un nouveau code.",
        "en": "The code is wrong or has expired. Check it, or ask for a new code.",
    },
    "error.signin.restart": {
        "ar": "انتهت مهلة طلب الدخول. ابدأ من جديد.",
        "fr": "Votre demande de connexion a expiré. Recommencez.",
        "en": "Your sign-in request has expired. Please start again.",
    },
    "error.signin.closed": {
        "ar": "لم تُفتح النتائج بعد. ستتمكن من الولوج إلى وثائقك يوم إعلان النتائج.",
        "fr": "Les résultats ne sont pas encore ouverts. Vous pourrez accéder à vos documents le jour des résultats.",
        "en": "The results are not open yet. You can access your documents on results day.",
    },
    "error.signin.required": {"ar": "سجّل الدخول أولاً.", "fr": "Connectez-vous d'abord.", "en": "Please sign in first."},
    "error.rate.limited": {
        "ar": "محاولات كثيرة. أعد المحاولة بعد {minutes} دقيقة.",
        "fr": "Trop de tentatives. Réessayez dans {minutes} minute(s).",
        "en": "Too many attempts. Try again in {minutes} minute(s).",
    },
    "error.document.revoked": {
        "ar": "ألغت الوزارة هذه الوثيقة، فلا تُسلَّم منها أي نسخة. إن كنت ترى أن في الأمر خطأ، فاتصل بمصلحة الامتحانات في أكاديميتك الجهوية ومعك رقم الوثيقة.",
        "fr": "Le ministère a révoqué ce document : aucune copie n'en est délivrée. Si vous pensez qu'il s'agit d'une erreur, contactez le service des examens de votre académie régionale en indiquant le numéro du document.",
        "en": "The ministry has revoked this document: no copy of it is issued. If you believe this is a mistake, contact the examinations office of your regional academy with the document's number.",
    },
    "error.document.suspended": {
        "ar": "أوقفت الوزارة هذه الوثيقة مؤقتاً، فلا تُسلَّم منها أي نسخة إلى حين رفع التوقيف. اتصل بمصلحة الامتحانات في أكاديميتك الجهوية ومعك رقم الوثيقة.",
        "fr": "Le ministère a suspendu ce document : aucune copie n'en est délivrée tant que la suspension dure. Contactez le service des examens de votre académie régionale en indiquant le numéro du document.",
        "en": "The ministry has suspended this document: no copy of it is issued while the suspension lasts. Contact the examinations office of your regional academy with the document's number.",
    },
    "error.document.unknown": {
        "ar": "هذه الوثيقة غير موجودة في حسابك.",
        "fr": "Ce document ne figure pas dans votre espace.",
        "en": "This document is not in your account.",
    },
    "error.delivery.unknown": {
        "ar": "لا يوجد إرسال إلى المحفظة بهذا المعرِّف في حسابك.",
        "fr": "Aucun envoi vers un portefeuille ne porte cet identifiant dans votre espace.",
        "en": "No wallet delivery with this identifier is in your account.",
    },
    "error.link.unknown": {
        "ar": "لا يوجد رابط مشاركة بهذا المعرِّف في حسابك.",
        "fr": "Aucun lien de partage ne porte cet identifiant dans votre espace.",
        "en": "No share link with this identifier is in your account.",
    },
    "error.invitation.unknown": {"ar": "دعوة المحفظة هذه غير موجودة.", "fr": "Cette invitation de portefeuille n'existe pas.", "en": "This wallet invitation does not exist."},
    "error.invitation.expired": {
        "ar": "انتهت صلاحية دعوة المحفظة هذه. اطلب دعوة جديدة من البوابة.",
        "fr": "Cette invitation de portefeuille a expiré. Demandez-en une nouvelle sur le portail.",
        "en": "This wallet invitation has expired. Ask for a new one on the portal.",
    },
    "error.share.unknown": {"ar": "رابط المشاركة هذا غير موجود.", "fr": "Ce lien de partage n'existe pas.", "en": "This share link does not exist."},
    "error.share.expired": {"ar": "انتهت صلاحية رابط المشاركة هذا.", "fr": "Ce lien de partage a expiré.", "en": "This share link has expired."},
    "error.share.revoked": {"ar": "ألغى صاحب الوثائق رابط المشاركة هذا.", "fr": "Le titulaire a révoqué ce lien de partage.", "en": "The holder has revoked this share link."},
    "error.wallet.unavailable": {
        "ar": "الإرسال إلى المحفظة غير متاح حالياً.",
        "fr": "L'envoi vers un portefeuille n'est pas disponible pour le moment.",
        "en": "Sending to a wallet is not available at the moment.",
    },
    "error.wallet.nothing": {
        "ar": "لا توجد وثيقة صالحة لإرسالها إلى المحفظة.",
        "fr": "Aucun document valide à envoyer au portefeuille.",
        "en": "No valid document to send to the wallet.",
    },
    "error.http.404": {"ar": "الصفحة غير موجودة.", "fr": "Page introuvable.", "en": "Page not found."},
    "error.http.405": {"ar": "طريقة الطلب غير مقبولة هنا.", "fr": "Méthode de requête non acceptée ici.", "en": "This request method is not accepted here."},
    "error.http.413": {"ar": "الطلب أكبر من اللازم.", "fr": "Requête trop volumineuse.", "en": "The request is too large."},
    "error.unavailable": {
        "ar": "الخدمة غير متاحة مؤقتاً. أعد المحاولة بعد قليل.",
        "fr": "Service momentanément indisponible. Réessayez dans un instant.",
        "en": "The service is unavailable for a moment. Try again shortly.",
    },
}


def text(key: str, lang: Language, **values: object) -> str:
    """The text of ``key`` in ``lang`` (French, then the key itself, when missing), with its
    ``{name}`` placeholders filled from ``values``."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    found = entry.get(lang)
    template = found if found is not None else entry.get("fr", key)
    return template.format(**values) if values else template


def has(key: str) -> bool:
    return key in CATALOGUE
