"""The signed fields of a seal as a person compares them with the paper, in French and Arabic.

Codes are shown with the reference data's labels (``schemas/reference``), dates ``DD/MM/YYYY``
and marks with a decimal comma, exactly as the printed documents show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from shahada.schemas.reference import Label, Reference
from shahada.schemas.seal.content import SealContent, format_mark

__all__ = ["Field", "signed_fields"]

_CANDIDATE_TYPES = {"scolarise": Label("Candidat scolarisé", "مترشح ممدرس"), "libre": Label("Candidat libre", "مترشح حر")}
_EXAMS = {"national": Label("national", "وطني"), "regional": Label("régional", "جهوي")}
_KINDS = {"diploma": Label("Diplôme du baccalauréat", "شهادة البكالوريا"), "transcript": Label("Relevé de notes du baccalauréat", "كشف نقط البكالوريا")}


@dataclass(frozen=True, slots=True)
class Field:
    label: Label
    value: Label

    def to_dict(self) -> dict[str, str]:
        return {"label_fr": self.label.fr, "label_ar": self.label.ar, "fr": self.value.fr, "ar": self.value.ar}


def _same(text: str) -> Label:
    return Label(text, text)


def _coded(labels: dict[str, Label], code: str) -> Label:
    return labels.get(code, _same(code))


def signed_fields(content: SealContent, reference: Reference) -> list[Field]:
    """Every field the seal binds, in the order of the paper."""
    out = [
        Field(Label("Document", "الوثيقة"), _KINDS[content.kind]),
        Field(Label("Numéro", "رقم الوثيقة"), _same(content.document_number)),
        Field(Label("Nom", "الاسم العائلي"), Label(content.family_name.fr, content.family_name.ar)),
        Field(Label("Prénom", "الاسم الشخصي"), Label(content.given_name.fr, content.given_name.ar)),
        Field(Label("Né(e) le", "تاريخ الازدياد"), _same(content.birth_date.strftime("%d/%m/%Y"))),
        Field(Label("Code Massar", "رمز مسار"), Label("lié au cachet, non lisible (vérifiez-le avec --massar)", "مرتبط بالختم وغير مقروء")),
    ]
    stream = reference.streams.get(content.stream)
    stream_label = stream.name if stream else _same(content.stream)
    if content.option is not None:
        option = _coded(reference.options, content.option)
        stream_label = Label(f"{stream_label.fr} — {option.fr}", f"{stream_label.ar} — {option.ar}")
    session = _coded(reference.sessions, content.session)
    out += [
        Field(Label("Filière", "الشعبة"), stream_label),
        Field(Label("Session", "الدورة"), Label(f"{session.fr} {content.session_year}", f"{session.ar} {content.session_year}")),
        Field(Label("Académie", "الأكاديمية"), _coded(reference.academies, content.academy)),
    ]
    if content.kind == "transcript":
        assert content.candidate_type is not None and content.decision is not None
        out.append(Field(Label("Candidature", "صفة المترشح"), _CANDIDATE_TYPES[content.candidate_type]))
        for r in content.results:
            subject = _coded(reference.subjects, r.subject)
            exam = _EXAMS[r.exam]
            out.append(
                Field(
                    Label(f"{subject.fr} ({exam.fr}, coef. {r.coefficient})", f"{subject.ar} ({exam.ar}، المعامل {r.coefficient})"),
                    _same(format_mark(r.mark)),
                )
            )
        out.append(Field(Label("Moyenne de l'examen national", "معدل الامتحان الوطني"), _same(format_mark(content.national_average or ""))))
        out.append(Field(Label("Moyenne de l'examen régional", "معدل الامتحان الجهوي"), _same(format_mark(content.regional_average or ""))))
        if content.continuous_average is not None:
            out.append(Field(Label("Moyenne du contrôle continu", "معدل المراقبة المستمرة"), _same(format_mark(content.continuous_average))))
    out.append(Field(Label("Moyenne générale", "المعدل العام"), _same(format_mark(content.general_average))))
    if content.mention is not None:
        mention = next((m.name for m in reference.mentions if m.code == content.mention), _same(content.mention))
        out.append(Field(Label("Mention", "الميزة"), mention))
    if content.decision is not None:
        out.append(Field(Label("Décision", "القرار"), _coded(reference.decisions, content.decision)))
    out.append(Field(Label("Délivré le", "تاريخ التسليم"), _same(content.issued.strftime("%d/%m/%Y"))))
    out.append(Field(Label("Statut", "الوضعية"), Label(f"registre du ministère, {content.credential_id}", f"سجل الوزارة، {content.credential_id}")))
    return out
