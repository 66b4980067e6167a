"""Fictional data for the demo caseload: people, organisations, places and providers.

Every name is invented: beneficiaries combine common given and family names of their
country of origin at random, staff names are made up, phone numbers lie in a range that
is never assigned (+39 3xx 000 xxxx) and document numbers start with DEMO.
"""

from __future__ import annotations

from typing import NamedTuple

from domain.values import ExitReason, ProtectionStatus, Role, Stage


class DemoOrganisation(NamedTuple):
    organisation_id: str
    name: str
    towns: tuple[str, ...]
    """Where its reception places, schools and host companies are."""


class DemoUser(NamedTuple):
    user_id: str
    role: Role
    organisation_id: str
    display_name: str


DEMO_ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "org-lecce", "Partner di Lecce (capofila)", ("Lecce", "Surbo", "Squinzano", "Trepuzzi")
    ),
    DemoOrganisation(
        "org-nardo", "Partner di Nardò", ("Nardò", "Galatone", "Copertino", "Gallipoli")
    ),
    DemoOrganisation(
        "org-maglie", "Partner di Maglie", ("Maglie", "Otranto", "Martano", "Tricase")
    ),
)

DEMO_USERS: list[DemoUser] = [
    DemoUser("anna", Role.CASEWORKER, "org-lecce", "Anna Quarta"),
    DemoUser("luca", Role.CASEWORKER, "org-lecce", "Luca Miglietta"),
    DemoUser("sara", Role.SUPERVISOR, "org-lecce", "Sara Stefanelli"),
    DemoUser("marta", Role.CASEWORKER, "org-nardo", "Marta Ingrosso"),
    DemoUser("davide", Role.CASEWORKER, "org-nardo", "Davide Carlino"),
    DemoUser("paolo", Role.SUPERVISOR, "org-nardo", "Paolo Perrone"),
    DemoUser("giulia", Role.CASEWORKER, "org-maglie", "Giulia Mele"),
    DemoUser("matteo", Role.CASEWORKER, "org-maglie", "Matteo Longo"),
    DemoUser("elena", Role.SUPERVISOR, "org-maglie", "Elena Pellegrino"),
    DemoUser("cora", Role.COORDINATOR, "org-lecce", "Cora Marti"),
]
"""Who the demo acts as: (user id, role, organisation, display name). The coordinator
belongs to the lead partner and sees every organisation."""


SEARCH_EXAMPLE_INDEX = 0
"""The demo pathway whose beneficiary is `SEARCH_EXAMPLE`: Anna's first (org-lecce, closed),
which no referral or transfer moves."""
SEARCH_EXAMPLE = {
    "given_name": "Thị Ánh",
    "family_name": "Nguyễn",
    "nationality": "VN",
}
"""The person the search's walkthrough finds by "nguyen anh" (docs/search.md): her phone and
document number are drawn like everyone's (+39 3xx 000 xxxx, DEMO-PS-xxxxxx)."""


class Origin(NamedTuple):
    """A country of origin: names to combine, languages spoken, usual protection statuses."""

    code: str
    weight: int
    female_names: tuple[str, ...]
    male_names: tuple[str, ...]
    family_names: tuple[str, ...]
    languages: tuple[str, ...]
    """First the mother tongue, then a second language if common (in Italian)."""
    statuses: tuple[ProtectionStatus, ...]


_REF, _SUB, _SPE, _TMP, _ASY = (
    ProtectionStatus.REFUGEE,
    ProtectionStatus.SUBSIDIARY_PROTECTION,
    ProtectionStatus.SPECIAL_PROTECTION,
    ProtectionStatus.TEMPORARY_PROTECTION,
    ProtectionStatus.ASYLUM_SEEKER,
)
_WEST_AFRICA = (_SUB, _SUB, _SUB, _REF, _REF, _SPE, _SPE, _ASY)

ORIGINS: tuple[Origin, ...] = (
    Origin("NG", 9, ("Blessing", "Chioma", "Joy", "Favour", "Ngozi"),
           ("Chinedu", "Emeka", "Tunde", "Samuel", "Godwin"),
           ("Okafor", "Adeyemi", "Eze", "Okonkwo", "Obi", "Edet"),
           ("igbo", "inglese"), _WEST_AFRICA),
    Origin("GN", 8, ("Fatoumata", "Mariama", "Aissatou", "Kadiatou"),
           ("Mamadou", "Ibrahima", "Alpha", "Ousmane", "Sekou"),
           ("Diallo", "Barry", "Bah", "Sow", "Camara", "Condé"),
           ("pular", "francese"), _WEST_AFRICA),
    Origin("ML", 7, ("Aminata", "Oumou", "Awa", "Salimata"),
           ("Moussa", "Seydou", "Bakary", "Adama", "Boubacar"),
           ("Traoré", "Keita", "Coulibaly", "Diarra", "Sangaré"),
           ("bambara", "francese"), _WEST_AFRICA),
    Origin("SN", 6, ("Ndeye", "Khady", "Fatou", "Aida"),
           ("Cheikh", "Modou", "Babacar", "Abdoulaye"),
           ("Ndiaye", "Fall", "Diop", "Sarr", "Faye", "Gueye"),
           ("wolof", "francese"), _WEST_AFRICA),
    Origin("GM", 9, ("Isatou", "Haddy", "Mariama", "Awa"),
           ("Lamin", "Ebrima", "Ousman", "Alieu", "Musa"),
           ("Jallow", "Ceesay", "Jobe", "Sanneh", "Touray", "Bojang"),
           ("mandinka", "inglese"), _WEST_AFRICA),
    Origin("CI", 5, ("Adjoua", "Aya", "Affoué", "Mariam"),
           ("Koffi", "Yao", "Kouadio", "Konan", "Drissa"),
           ("Kouassi", "Kouamé", "Koné", "N'Guessan", "Ouattara"),
           ("baulé", "francese"), _WEST_AFRICA),
    Origin("AF", 7, ("Zahra", "Mariam", "Fatima", "Shabnam"),
           ("Ahmad", "Farid", "Hamid", "Jawad", "Nasir"),
           ("Ahmadi", "Rahimi", "Hashimi", "Karimi", "Sultani", "Noori"),
           ("dari", "pashto"), (_REF, _REF, _SUB)),
    Origin("PK", 6, ("Ayesha", "Sana", "Nadia", "Sadia"),
           ("Imran", "Bilal", "Usman", "Asif", "Kamran"),
           ("Khan", "Hussain", "Iqbal", "Ahmed", "Butt", "Shah"),
           ("urdu", "inglese"), (_SUB, _SUB, _SPE, _SPE, _REF, _ASY)),
    Origin("BD", 6, ("Nasrin", "Taslima", "Shirin", "Rupa"),
           ("Rahim", "Sabbir", "Rafiq", "Shohel", "Jahid"),
           ("Hossain", "Rahman", "Islam", "Uddin", "Miah"),
           ("bengalese",), (_SUB, _SUB, _SPE, _SPE, _ASY)),
    Origin("SY", 4, ("Rania", "Lina", "Huda", "Rasha"),
           ("Omar", "Khaled", "Yusuf", "Samer", "Tarek"),
           ("Haddad", "Khalil", "Hamdan", "Nasser", "Darwish"),
           ("arabo", "inglese"), (_REF, _REF, _SUB)),
    Origin("ER", 4, ("Helen", "Senait", "Selam", "Meron"),
           ("Yonas", "Tesfay", "Dawit", "Filmon", "Robel"),
           ("Tekle", "Gebremedhin", "Haile", "Berhane", "Kidane"),
           ("tigrino", "arabo"), (_REF, _REF, _SUB)),
    Origin("SO", 4, ("Hodan", "Fadumo", "Ayaan", "Hibo"),
           ("Abdi", "Abdirahman", "Hassan", "Yusuf", "Mohamed"),
           ("Warsame", "Farah", "Ali", "Osman", "Abdullahi"),
           ("somalo", "arabo"), (_REF, _SUB, _SUB)),
    Origin("UA", 5, ("Olena", "Iryna", "Nataliia", "Oksana", "Tetiana"),
           ("Oleksandr", "Andrii", "Serhii", "Dmytro", "Mykola"),
           ("Kovalenko", "Shevchenko", "Bondarenko", "Melnyk", "Tkachenko"),
           ("ucraino", "russo"), (_TMP,)),
)  # fmt: skip

PERMIT_YEARS: dict[ProtectionStatus, float] = {
    ProtectionStatus.REFUGEE: 5,
    ProtectionStatus.SUBSIDIARY_PROTECTION: 5,
    ProtectionStatus.SPECIAL_PROTECTION: 2,
    ProtectionStatus.TEMPORARY_PROTECTION: 1,
    ProtectionStatus.ASYLUM_SEEKER: 0.5,
}
"""How long a permit of each status usually runs, in years."""

WORK_EXPERIENCE = (
    "Agricoltura, raccolta stagionale, 3 anni",
    "Muratore in cantieri edili, 5 anni",
    "Sarta in un laboratorio, 6 anni",
    "Aiuto cuoco in ristorante, 4 anni",
    "Meccanico di automobili, 2 anni",
    "Commercio ambulante al mercato, 4 anni",
    "Parrucchiera, 3 anni",
    "Elettricista, 5 anni",
    "Autista di camion, 7 anni",
    "Pastore e allevatore, 8 anni",
    "Pulizie in albergo, 2 anni",
)
TITLES = (
    "Diploma di scuola secondaria superiore",
    "Laurea in economia",
    "Diploma di infermiere",
    "Attestato professionale di elettricista",
    "Laurea in ingegneria civile",
    "Diploma di insegnante di scuola primaria",
)
DOCUMENTS = ("Permesso di soggiorno", "Codice fiscale", "Passaporto", "Tessera sanitaria")

STAFF_GIVEN = ("Giuseppe", "Antonio", "Maria", "Francesca", "Salvatore", "Rosaria", "Cosimo",
               "Donato", "Luigi", "Lucia", "Vito", "Immacolata")  # fmt: skip
STAFF_FAMILY = ("Rizzo", "Greco", "De Santis", "Conte", "Leo", "Miglietta", "Marra", "Tundo",
                "Calò", "Scarcia", "Paiano", "Congedo")  # fmt: skip
"""Combined at random into tutors' and assessors' names."""

HOST_COMPANIES = (
    "Cantina Sette Ulivi",
    "Ristorante La Pietra Leccese",
    "Officina Meccanica Capo di Leuca",
    "Serra Verde, cooperativa agricola",
    "Hotel Torre Bianca",
    "Panificio Grano Antico",
    "Lavanderia Baia Azzurra",
    "Sartoria Fili di Sud",
    "Logistica Porta d'Oriente",
    "Frantoio Macine Antiche",
)
HIRING_CONTRACTS = (
    "Tempo determinato 12 mesi, part-time 30 ore",
    "Apprendistato professionalizzante",
    "Tempo indeterminato, full-time",
    "Stagionale 6 mesi",
)
CHILDCARE_PROVIDERS = (
    "Cooperativa Girotondo, servizio baby-sitting",
    "Associazione Mamme in Rete",
    "Ludoteca Il Grillo Parlante",
)
DRIVING_SCHOOLS = ("Autoscuola Salento Guida", "Autoscuola Il Semaforo", "Autoscuola Due Mari")
BICYCLE_PROVIDERS = ("Ciclofficina popolare", "Bici in Comune, riuso solidale")
ORIENTATION_PROVIDERS = (
    "Sportello autoimpiego della Camera di Commercio",
    "Incubatore sociale Salento Impresa",
)
ORIENTATION_TOPICS = (
    "Dall'idea al progetto d'impresa",
    "Forme giuridiche e regime forfettario",
    "Piano economico e finanziario",
    "Accesso al credito e microcredito",
)
BUSINESS_IDEAS = (
    "Laboratorio di sartoria etnica su misura e riparazioni",
    "Servizio di cucina da asporto con piatti dell'Africa occidentale",
    "Piccola impresa di pulizie per condomini e uffici",
    "Ciclofficina per riparazione e noleggio di biciclette",
    "Parrucchiere e barbiere afro",
)
MICROCREDIT_DESKS = (
    "Sportello microcredito di Lecce",
    "Fondo di garanzia regionale, sportello Salento",
)
COHOUSING_PROJECTS = (
    "Cohousing Casa Comune",
    "Cohousing Corte dei Mestieri",
    "Condominio solidale Ponti",
)
ASSOCIATIONS = (
    ("ASD Salento Multietnica, calcio", "sports"),
    ("Polisportiva Terre d'Otranto, atletica", "sports"),
    ("Circolo culturale Le Radici", "cultural"),
    ("Coro popolare dei Due Mari", "cultural"),
    ("Gruppo scout Salento 3", "recreational"),
    ("Associazione di volontariato Mani Tese Salento", "volunteering"),
)
SOCIAL_PROGRAMMES = ("Festa dei popoli", "Cene interculturali di quartiere", "Orti condivisi")
SOCIAL_EVENTS = (
    "Festa dei popoli in piazza",
    "Torneo di calcio interculturale",
    "Cena dei sapori del mondo",
    "Giornata del rifugiato, letture pubbliche",
    "Laboratorio di pizzica e musica popolare",
    "Pulizia condivisa della spiaggia",
)
COURSE_TITLES = {
    "italian_l2": ("Italiano L2, livello A2", "Italiano L2, livello B1"),
    "digital_skills": ("Competenze digitali di base", "Uso dello SPID e dei servizi online"),
    "other": ("Sicurezza sul lavoro, formazione generale", "HACCP per la ristorazione"),
}
NOTES = (
    "Colloquio di monitoraggio svolto in sede.",
    "Accompagnato all'ufficio anagrafe per la residenza.",
    "Sentito il tutor aziendale: buon inserimento.",
    "Contattato il CPIA per il calendario delle lezioni.",
    "Richiesto appuntamento al centro per l'impiego.",
)
TRAINING_BODY = "Ente di formazione Salento Lavoro"
LICENSING_OFFICE = "Motorizzazione civile di Lecce"
POLICE_OFFICE = "Questura di Lecce"
REJECTION = (
    "Obiettivi da rivedere con il beneficiario: il corso proposto non è compatibile con il lavoro."
)
AMENDMENT_NOTE = "Integrazione del piano dopo il colloquio di verifica."
EXTENSION = "Proroga per concludere la borsa lavoro e consolidare l'autonomia abitativa."
SHORT_ABSENCE = "Assenza di una settimana per motivi di salute, ora rientrato."
CANCELLATIONS = (
    "Il corso non è stato attivato per il numero ridotto di iscritti.",
    "Rinuncia del beneficiario, che ha trovato lavoro stagionale.",
    "Non più necessaria dopo il cambio di domicilio.",
)
SUSPENSIONS = {
    Stage.RECEPTION: (
        "document_renewal_travel",
        "Viaggio a Roma per il rinnovo del passaporto presso l'ambasciata.",
    ),
    Stage.ASSESSMENT: ("hospital_stay", "Ricovero ospedaliero programmato."),
    Stage.PLANNING: (
        "family_reasons",
        "Rientro temporaneo nel paese d'origine per gravi motivi familiari.",
    ),
    Stage.ACTIVE: ("hospital_stay", "Ricovero ospedaliero dopo un infortunio."),
    Stage.EXIT: (
        "unreachable",
        "Non risponde al telefono e non si presenta agli appuntamenti da tre settimane.",
    ),
}
"""Per stage, why a pathway there is suspended (the reason and the caseworker's note)."""
EXIT_NOTES = {
    ExitReason.AUTONOMY: "Uscita per autonomia lavorativa e abitativa raggiunta.",
    ExitReason.TRANSFERRED: "Trasferito in un progetto di accoglienza fuori provincia.",
    ExitReason.DROPPED_OUT: "Abbandono del percorso: irreperibile.",
    ExitReason.EXPIRED: "Raggiunta la durata massima del percorso.",
    ExitReason.REVOKED: "Revoca delle misure di accoglienza.",
}
FOLLOW_UP_NOTES = (
    "Contatto telefonico a sei mesi: lavora ancora e vive nella stessa casa.",
    "Incontro di verifica in sede: situazione stabile.",
    "Follow-up svolto con il datore di lavoro e il beneficiario.",
)
DESCRIPTIONS = {
    "skills_assessment": "Aggiornamento del bilancio di competenze",
    "title_recognition": "Riconoscimento del titolo di studio",
    "training_course": "Corso di formazione",
    "work_grant": "Borsa lavoro",
    "childcare": "Baby-sitting per conciliare casa e lavoro",
    "mobility": "Mobilità autonoma",
    "self_employment_orientation": "Orientamento al lavoro autonomo",
    "housing_placement": "Soluzione abitativa",
    "economic_support": "Sostegno economico",
    "social_event": "Eventi di coesione sociale",
    "association_membership": "Iscrizione a un'associazione",
    "school_support": "Sostegno scolastico",
}
"""What a planned measure of each kind is, as the plan shows it."""
