/**
 * The seed's fixed vocabulary: the markets agencies work in (their offices, visa
 * programmes, institutions), where clients come from, and the phrases staff write.
 * Plain data, so the builders stay about structure and the words stay plausible.
 * @module
 */
import type { ChecklistItem } from "../db/schema/index.ts";

export type Office = { name: string; city: string; state: string; postcode: string; area: string };

export type VisaTypeSpec = {
  code: string;
  name: string;
  description: string;
  /** Government fee in the market's minor units. */
  fee: number;
  /** How long a grant lasts, in years. */
  grantYears: number;
  conditions: string;
  checklist: ChecklistItem[];
  /** Whether study applications usually come with it. */
  study?: boolean;
};

export type VisaCategorySpec = {
  code: string;
  name: string;
  description: string;
  types: VisaTypeSpec[];
};

export type Market = {
  country: string;
  timezone: string;
  currency: string;
  tld: string;
  /** How local mobile and office numbers look (`#` a digit, `{area}` the office's area code). */
  mobile: string;
  landline: string;
  regions: { name: string; description: string; offices: [Office, Office] }[];
  closedOffice: Office;
  visas: VisaCategorySpec[];
  universities: string[];
  colleges: string[];
  languageSchools: string[];
  assessors: string[];
  intakeMonths: number[];
  /** How visa grant numbers look (`#` is a digit). */
  grantNumber: string;
  /** How lodgement references look. */
  reference: string;
};

const item = (text: string, required = true): ChecklistItem => ({ item: text, required });

const identity = [
  item("Passport bio page"),
  item("National identity document"),
  item("Recent passport photograph"),
];
const character = [item("Police certificates for every country lived in 12+ months")];
const health = [item("Health examinations (eMedical)")];
const funds = [item("Evidence of funds"), item("Bank statements (last 3 months)")];
const english = [item("English test results")];

const AU_VISAS: VisaCategorySpec[] = [
  {
    code: "WORK",
    name: "Work",
    description: "Temporary visas to work in Australia.",
    types: [
      {
        code: "482",
        name: "Skills in Demand visa (subclass 482)",
        description: "Employer-sponsored temporary skilled work.",
        fee: 349_600,
        grantYears: 4,
        conditions: "8107 work only for the sponsor; 8501 maintain health insurance",
        checklist: [
          ...identity,
          item("Nomination approval"),
          item("Employment references"),
          item("Skills assessment", false),
          ...english,
          ...health,
          ...character,
        ],
      },
      {
        code: "485",
        name: "Temporary Graduate visa (subclass 485)",
        description: "Post-study work rights for recent graduates.",
        fee: 206_300,
        grantYears: 2,
        conditions: "",
        checklist: [
          ...identity,
          item("Completion letter and academic transcript"),
          item("Australian Federal Police check"),
          ...english,
          item("Overseas Student Health Cover (OSHC)"),
        ],
      },
      {
        code: "417",
        name: "Working Holiday visa (subclass 417)",
        description: "A year of holiday and work for young adults.",
        fee: 65_000,
        grantYears: 1,
        conditions: "8547 no more than 6 months with one employer",
        checklist: [...identity, ...funds, item("Return ticket or funds for one")],
      },
    ],
  },
  {
    code: "STUDENT",
    name: "Student",
    description: "Study at a registered Australian provider.",
    types: [
      {
        code: "500",
        name: "Student visa (subclass 500)",
        description: "Full-time study in a registered course.",
        fee: 200_000,
        grantYears: 3,
        conditions: "8105 work limitation; 8202 meet course requirements; 8501 health insurance",
        checklist: [
          ...identity,
          item("Confirmation of Enrolment (CoE)"),
          item("Genuine Student statement"),
          item("Overseas Student Health Cover (OSHC)"),
          ...funds,
          ...english,
          item("Academic transcripts"),
          ...health,
        ],
        study: true,
      },
      {
        code: "590",
        name: "Student Guardian visa (subclass 590)",
        description: "A parent or relative accompanying a student under 18.",
        fee: 200_000,
        grantYears: 2,
        conditions: "8101 no work",
        checklist: [...identity, item("Student's CoE"), item("Welfare arrangements"), ...funds],
      },
    ],
  },
  {
    code: "PR",
    name: "Permanent residence",
    description: "Skilled and employer-nominated permanent visas.",
    types: [
      {
        code: "189",
        name: "Skilled Independent visa (subclass 189)",
        description: "Points-tested permanent residence by invitation.",
        fee: 476_500,
        grantYears: 5,
        conditions: "",
        checklist: [
          ...identity,
          item("Invitation to apply (SkillSelect)"),
          item("Skills assessment"),
          ...english,
          item("Evidence for points claimed"),
          ...health,
          ...character,
        ],
      },
      {
        code: "190",
        name: "Skilled Nominated visa (subclass 190)",
        description: "Permanent residence nominated by a state or territory.",
        fee: 476_500,
        grantYears: 5,
        conditions: "",
        checklist: [
          ...identity,
          item("State nomination approval"),
          item("Skills assessment"),
          ...english,
          ...health,
          ...character,
        ],
      },
      {
        code: "186",
        name: "Employer Nomination Scheme visa (subclass 186)",
        description: "Permanent residence through an employer.",
        fee: 490_800,
        grantYears: 5,
        conditions: "",
        checklist: [...identity, item("Nomination approval"), ...english, ...health, ...character],
      },
    ],
  },
  {
    code: "VISITOR",
    name: "Visitor",
    description: "Tourism, family visits and business visits.",
    types: [
      {
        code: "600",
        name: "Visitor visa (subclass 600)",
        description: "Visit for tourism or to see family, up to 12 months.",
        fee: 20_000,
        grantYears: 1,
        conditions: "8101 no work; 8201 up to 3 months of study",
        checklist: [...identity, ...funds, item("Invitation letter", false), item("Itinerary")],
      },
    ],
  },
  {
    code: "FAMILY",
    name: "Family",
    description: "Partners, parents and children of Australians.",
    types: [
      {
        code: "820",
        name: "Partner visa (subclass 820/801)",
        description: "Onshore partner of an Australian citizen or resident.",
        fee: 936_500,
        grantYears: 2,
        conditions: "",
        checklist: [
          ...identity,
          item("Relationship evidence"),
          item("Sponsor's citizenship or residence evidence"),
          item("Form 888 statutory declarations"),
          ...health,
          ...character,
        ],
      },
      {
        code: "143",
        name: "Contributory Parent visa (subclass 143)",
        description: "Permanent visa for parents of settled Australians.",
        fee: 495_000,
        grantYears: 5,
        conditions: "",
        checklist: [...identity, item("Balance of family test"), item("Assurance of support")],
      },
    ],
  },
];

const NZ_VISAS: VisaCategorySpec[] = [
  {
    code: "WORK",
    name: "Work",
    description: "Temporary work visas for New Zealand.",
    types: [
      {
        code: "AEWV",
        name: "Accredited Employer Work Visa",
        description: "Work for an accredited employer with a job check.",
        fee: 75_000,
        grantYears: 3,
        conditions: "Work only for the named employer in the named role",
        checklist: [
          ...identity,
          item("Job check approval"),
          item("Employment agreement"),
          ...health,
        ],
      },
      {
        code: "PSWV",
        name: "Post Study Work Visa",
        description: "Open work rights after a qualifying New Zealand qualification.",
        fee: 152_500,
        grantYears: 3,
        conditions: "",
        checklist: [...identity, item("Qualification completion evidence"), ...funds],
      },
    ],
  },
  {
    code: "STUDENT",
    name: "Student",
    description: "Study with a New Zealand education provider.",
    types: [
      {
        code: "FPS",
        name: "Fee Paying Student Visa",
        description: "Full-time study paying international fees.",
        fee: 75_000,
        grantYears: 2,
        conditions: "Up to 25 hours of work a week in term time",
        checklist: [
          ...identity,
          item("Offer of place"),
          item("Evidence of tuition fees paid"),
          ...funds,
          item("Medical and travel insurance"),
          ...english,
        ],
        study: true,
      },
      {
        code: "PATHWAY",
        name: "Pathway Student Visa",
        description: "Up to three consecutive study programmes on one visa.",
        fee: 75_000,
        grantYears: 4,
        conditions: "Study only with the approved pathway provider",
        checklist: [...identity, item("Offers of place for each programme"), ...funds],
        study: true,
      },
    ],
  },
  {
    code: "PR",
    name: "Residence",
    description: "Resident and permanent resident visas.",
    types: [
      {
        code: "SMC",
        name: "Skilled Migrant Category Resident Visa",
        description: "Points-based residence for skilled workers.",
        fee: 623_100,
        grantYears: 2,
        conditions: "",
        checklist: [...identity, item("Skilled employment evidence"), ...english, ...health],
      },
      {
        code: "GREEN",
        name: "Green List Straight to Residence Visa",
        description: "Residence for Green List Tier 1 occupations.",
        fee: 485_000,
        grantYears: 2,
        conditions: "",
        checklist: [...identity, item("Occupational registration"), item("Job offer"), ...health],
      },
    ],
  },
  {
    code: "VISITOR",
    name: "Visitor",
    description: "Holidays, family visits and business trips.",
    types: [
      {
        code: "VISIT",
        name: "Visitor Visa",
        description: "Up to 9 months of visits in 18 months.",
        fee: 34_100,
        grantYears: 1,
        conditions: "No work",
        checklist: [...identity, ...funds, item("Onward travel booking")],
      },
    ],
  },
  {
    code: "FAMILY",
    name: "Family",
    description: "Partners and parents of New Zealanders.",
    types: [
      {
        code: "PARTNER",
        name: "Partner of a New Zealander Resident Visa",
        description: "Residence for the partner of a citizen or resident.",
        fee: 395_000,
        grantYears: 2,
        conditions: "",
        checklist: [...identity, item("Relationship evidence"), item("Partner's support form")],
      },
      {
        code: "PARENT",
        name: "Parent Resident Visa",
        description: "Residence for parents sponsored by an adult child.",
        fee: 470_000,
        grantYears: 2,
        conditions: "",
        checklist: [...identity, item("Sponsor's income evidence"), ...health, ...character],
      },
    ],
  },
];

const CA_VISAS: VisaCategorySpec[] = [
  {
    code: "WORK",
    name: "Work permits",
    description: "Temporary work in Canada.",
    types: [
      {
        code: "PGWP",
        name: "Post-Graduation Work Permit",
        description: "Open work permit after an eligible programme.",
        fee: 25_500,
        grantYears: 3,
        conditions: "",
        checklist: [...identity, item("Letter of completion"), item("Final transcript")],
      },
      {
        code: "LMIA-WP",
        name: "Employer-specific work permit (LMIA)",
        description: "Work for one employer with a positive LMIA.",
        fee: 15_500,
        grantYears: 2,
        conditions: "Work only for the named employer",
        checklist: [...identity, item("Positive LMIA"), item("Job offer letter"), ...health],
      },
    ],
  },
  {
    code: "STUDENT",
    name: "Study permits",
    description: "Study at a designated learning institution.",
    types: [
      {
        code: "SP",
        name: "Study permit",
        description: "Study at a DLI, with a provincial attestation letter.",
        fee: 15_000,
        grantYears: 2,
        conditions: "Off-campus work limited to 24 hours a week in term",
        checklist: [
          ...identity,
          item("Letter of acceptance"),
          item("Provincial attestation letter"),
          ...funds,
          item("Study plan"),
          item("Biometrics"),
        ],
        study: true,
      },
    ],
  },
  {
    code: "PR",
    name: "Permanent residence",
    description: "Express Entry and provincial nominee programmes.",
    types: [
      {
        code: "EE-FSW",
        name: "Express Entry – Federal Skilled Worker",
        description: "Points-ranked permanent residence for skilled workers.",
        fee: 138_500,
        grantYears: 5,
        conditions: "",
        checklist: [
          ...identity,
          item("Educational credential assessment (ECA)"),
          ...english,
          item("Proof of funds"),
          ...health,
          ...character,
        ],
      },
      {
        code: "EE-CEC",
        name: "Express Entry – Canadian Experience Class",
        description: "Permanent residence after skilled work in Canada.",
        fee: 138_500,
        grantYears: 5,
        conditions: "",
        checklist: [...identity, item("Canadian employment references"), ...english, ...health],
      },
      {
        code: "PNP",
        name: "Provincial Nominee Program",
        description: "Permanent residence nominated by a province.",
        fee: 138_500,
        grantYears: 5,
        conditions: "",
        checklist: [...identity, item("Provincial nomination certificate"), ...health],
      },
    ],
  },
  {
    code: "VISITOR",
    name: "Visitors",
    description: "Temporary resident visas for visits.",
    types: [
      {
        code: "TRV",
        name: "Visitor visa (TRV)",
        description: "Visit Canada for up to six months at a time.",
        fee: 10_000,
        grantYears: 1,
        conditions: "No work; no study longer than six months",
        checklist: [...identity, ...funds, item("Travel history"), item("Biometrics")],
      },
      {
        code: "SUPER",
        name: "Super visa",
        description: "Long visits for parents and grandparents.",
        fee: 10_000,
        grantYears: 5,
        conditions: "Private medical insurance for the whole stay",
        checklist: [...identity, item("Host's letter of invitation"), item("Medical insurance")],
      },
    ],
  },
  {
    code: "FAMILY",
    name: "Family sponsorship",
    description: "Sponsoring spouses, partners and children.",
    types: [
      {
        code: "SPOUSE",
        name: "Spousal sponsorship",
        description: "Permanent residence for a spouse or common-law partner.",
        fee: 120_500,
        grantYears: 5,
        conditions: "",
        checklist: [...identity, item("Relationship evidence"), item("Sponsor's status")],
      },
    ],
  },
];

const office = (name: string, city: string, state: string, postcode: string, area: string) => ({
  name,
  city,
  state,
  postcode,
  area,
});

/** The markets tenants are set in; tenant N works in MARKETS[(N - 1) % 3]. */
export const MARKETS: Market[] = [
  {
    country: "AU",
    timezone: "Australia/Sydney",
    currency: "AUD",
    tld: "com.au",
    mobile: "+61 4## ### ###",
    landline: "+61 {area} #### ####",
    regions: [
      {
        name: "New South Wales",
        description: "Sydney metro offices.",
        offices: [
          office("Sydney CBD", "Sydney", "NSW", "2000", "2"),
          office("Parramatta", "Parramatta", "NSW", "2150", "2"),
        ],
      },
      {
        name: "Victoria",
        description: "Melbourne metro offices.",
        offices: [
          office("Melbourne CBD", "Melbourne", "VIC", "3000", "3"),
          office("Box Hill", "Box Hill", "VIC", "3128", "3"),
        ],
      },
    ],
    closedOffice: office("Hurstville", "Hurstville", "NSW", "2220", "2"),
    visas: AU_VISAS,
    universities: [
      "University of Sydney",
      "UNSW Sydney",
      "University of Technology Sydney",
      "Macquarie University",
      "Western Sydney University",
      "University of Melbourne",
      "Monash University",
      "RMIT University",
      "Deakin University",
      "La Trobe University",
      "Victoria University",
    ],
    colleges: ["TAFE NSW", "Box Hill Institute", "Kangan Institute", "William Angliss Institute"],
    languageSchools: ["Navitas English", "Kaplan International Sydney", "ELS Melbourne"],
    assessors: ["Engineers Australia", "Australian Computer Society", "CPA Australia", "VETASSESS"],
    intakeMonths: [2, 7, 11],
    grantNumber: "#############",
    reference: "EGO####-###-##",
  },
  {
    country: "NZ",
    timezone: "Pacific/Auckland",
    currency: "NZD",
    tld: "co.nz",
    mobile: "+64 2# ### ####",
    landline: "+64 {area} ### ####",
    regions: [
      {
        name: "Auckland",
        description: "Offices across Auckland.",
        offices: [
          office("Auckland Central", "Auckland", "AUK", "1010", "9"),
          office("Manukau", "Manukau", "AUK", "2104", "9"),
        ],
      },
      {
        name: "Wellington and South Island",
        description: "Capital and Canterbury offices.",
        offices: [
          office("Wellington", "Wellington", "WGN", "6011", "4"),
          office("Christchurch", "Christchurch", "CAN", "8011", "3"),
        ],
      },
    ],
    closedOffice: office("Hamilton", "Hamilton", "WKO", "3204", "7"),
    visas: NZ_VISAS,
    universities: [
      "University of Auckland",
      "Auckland University of Technology",
      "Massey University",
      "Victoria University of Wellington",
      "University of Canterbury",
      "University of Otago",
    ],
    colleges: [
      "Unitec",
      "Ara Institute of Canterbury",
      "WelTec",
      "Manukau Institute of Technology",
    ],
    languageSchools: ["Languages International", "Worldwide School of English"],
    assessors: ["NZQA", "Engineering New Zealand", "Nursing Council of New Zealand"],
    intakeMonths: [2, 7],
    grantNumber: "########",
    reference: "APP#######",
  },
  {
    country: "CA",
    timezone: "America/Toronto",
    currency: "CAD",
    tld: "ca",
    mobile: "+1 647 ### ####",
    landline: "+1 {area} ### ####",
    regions: [
      {
        name: "Ontario",
        description: "Greater Toronto Area offices.",
        offices: [
          office("Toronto Downtown", "Toronto", "ON", "M5H 2N2", "416"),
          office("Mississauga", "Mississauga", "ON", "L5B 3C2", "905"),
        ],
      },
      {
        name: "British Columbia",
        description: "Lower Mainland offices.",
        offices: [
          office("Vancouver", "Vancouver", "BC", "V6B 1A1", "604"),
          office("Surrey", "Surrey", "BC", "V3T 0A1", "604"),
        ],
      },
    ],
    closedOffice: office("Brampton", "Brampton", "ON", "L6Y 4R2", "905"),
    visas: CA_VISAS,
    universities: [
      "University of Toronto",
      "York University",
      "Toronto Metropolitan University",
      "University of British Columbia",
      "Simon Fraser University",
    ],
    colleges: [
      "Humber Polytechnic",
      "Seneca Polytechnic",
      "Centennial College",
      "Sheridan College",
      "Langara College",
      "Douglas College",
    ],
    languageSchools: ["ILAC Toronto", "CLLC Vancouver"],
    assessors: ["World Education Services (WES)", "International Credential Assessment Service"],
    intakeMonths: [1, 5, 9],
    grantNumber: "T##########",
    reference: "W30#######",
  },
];

export type ApplicationTypeSpec = {
  code: string;
  name: string;
  description: string;
  stages: string[];
  /** Where such applications are made, from the market. */
  institutions: (market: Market) => string[];
  courses: string[];
};

export const COURSES = [
  "Master of Information Technology",
  "Master of Professional Accounting",
  "Master of Data Science",
  "Master of Business Administration",
  "Master of Public Health",
  "Master of Engineering (Civil)",
  "Master of Social Work",
  "Bachelor of Nursing",
  "Bachelor of Commerce",
  "Bachelor of Information Technology",
  "Graduate Diploma of Early Childhood Education",
  "Graduate Certificate in Project Management",
];

export const VOCATIONAL_COURSES = [
  "Diploma of Hospitality Management",
  "Certificate IV in Commercial Cookery",
  "Diploma of Community Services",
  "Certificate III in Individual Support",
  "Diploma of Information Technology",
  "Advanced Diploma of Leadership and Management",
];

export const OCCUPATIONS = [
  "Software Engineer",
  "Registered Nurse",
  "Accountant",
  "Civil Engineer",
  "Chef",
  "Early Childhood Teacher",
  "Electrician",
  "Motor Mechanic",
  "ICT Business Analyst",
  "Social Worker",
  "Data Analyst",
  "Aged Care Worker",
  "Marketing Specialist",
  "Carpenter",
  "Pharmacist",
  "Cook",
  "Mechanical Engineer",
  "Secondary School Teacher",
];

/** Study and other applications an agency runs (same stages in every market). */
export const APPLICATION_TYPES: ApplicationTypeSpec[] = [
  {
    code: "UNI",
    name: "University admission",
    description: "Undergraduate and postgraduate admissions.",
    stages: [
      "Enquiry",
      "Documents collected",
      "Application submitted",
      "Offer received",
      "Offer accepted",
      "Enrolment confirmed",
    ],
    institutions: (m) => m.universities,
    courses: COURSES,
  },
  {
    code: "VET",
    name: "Vocational course admission",
    description: "Colleges, polytechnics and TAFE.",
    stages: ["Enquiry", "Application submitted", "Offer received", "Enrolment confirmed"],
    institutions: (m) => m.colleges,
    courses: VOCATIONAL_COURSES,
  },
  {
    code: "ELICOS",
    name: "English language course",
    description: "General and academic English courses.",
    stages: ["Enquiry", "Placement test", "Enrolled"],
    institutions: (m) => m.languageSchools,
    courses: ["General English (12 weeks)", "English for Academic Purposes", "IELTS preparation"],
  },
  {
    code: "SKILLS",
    name: "Skills assessment",
    description: "Occupation assessments for skilled visas.",
    stages: [
      "Documents collected",
      "Submitted to assessing authority",
      "Further information requested",
      "Outcome received",
    ],
    institutions: (m) => m.assessors,
    courses: OCCUPATIONS,
  },
];

export type Origin = {
  country: string;
  /** Which faker locale names people from here. */
  locale: string;
  weight: number;
  universities: string[];
  /** How passport numbers look (`A` a letter, `#` a digit). */
  passport: string;
  mobile: string;
};

/** Where clients come from, weighted like a typical agency's intake. */
export const ORIGINS: Origin[] = [
  {
    country: "NP",
    locale: "en_NP",
    weight: 18,
    universities: ["Tribhuvan University", "Kathmandu University", "Pokhara University"],
    passport: "PA#######",
    mobile: "+977 98########",
  },
  {
    country: "IN",
    locale: "en_IN",
    weight: 20,
    universities: [
      "University of Delhi",
      "University of Mumbai",
      "Anna University",
      "Osmania University",
      "Savitribai Phule Pune University",
    ],
    passport: "A#######",
    mobile: "+91 9#########",
  },
  {
    country: "VN",
    locale: "vi",
    weight: 10,
    universities: [
      "Vietnam National University",
      "Hanoi University of Science and Technology",
      "University of Economics Ho Chi Minh City",
    ],
    passport: "C#######",
    mobile: "+84 9########",
  },
  {
    country: "HK",
    locale: "en_HK",
    weight: 6,
    universities: ["University of Hong Kong", "Hong Kong Polytechnic University"],
    passport: "K########",
    mobile: "+852 9#######",
  },
  {
    country: "BR",
    locale: "pt_BR",
    weight: 8,
    universities: ["Universidade de São Paulo", "Universidade Federal do Rio de Janeiro"],
    passport: "AA######",
    mobile: "+55 11 9########",
  },
  {
    country: "CO",
    locale: "es",
    weight: 8,
    universities: ["Universidad Nacional de Colombia", "Universidad de los Andes"],
    passport: "AA######",
    mobile: "+57 3#########",
  },
  {
    country: "ID",
    locale: "id_ID",
    weight: 6,
    universities: [
      "Universitas Indonesia",
      "Universitas Gadjah Mada",
      "Institut Teknologi Bandung",
    ],
    passport: "A#######",
    mobile: "+62 81#########",
  },
  {
    country: "NG",
    locale: "en_NG",
    weight: 6,
    universities: ["University of Lagos", "University of Ibadan", "Obafemi Awolowo University"],
    passport: "A########",
    mobile: "+234 80########",
  },
  {
    country: "TR",
    locale: "tr",
    weight: 4,
    universities: ["Middle East Technical University", "Istanbul University"],
    passport: "U########",
    mobile: "+90 5#########",
  },
  {
    country: "GB",
    locale: "en_GB",
    weight: 4,
    universities: ["University of Manchester", "University of Leeds", "University of Birmingham"],
    passport: "#########",
    mobile: "+44 7#########",
  },
];

export const FIELDS_OF_STUDY = [
  "Information Technology",
  "Business Administration",
  "Accounting",
  "Nursing",
  "Civil Engineering",
  "Hospitality Management",
  "Computer Science",
  "Marketing",
  "Public Health",
  "Education",
  "Mechanical Engineering",
  "Economics",
];

export const AGENT_COMPANY_WORDS = [
  "Education Consultancy",
  "Overseas Education",
  "Study Abroad",
  "Global Education",
  "Career Pathways",
];

export const AGENCY_NAME_WORDS = [
  "Migration",
  "Visa & Migration",
  "Education & Migration",
  "Immigration Services",
  "Migration Partners",
];

export const FREE_MAIL = ["gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com"];

export const NOTE_TEMPLATES: Record<"note" | "call" | "email" | "meeting", string[]> = {
  note: [
    "Client prefers contact by WhatsApp after 6 pm.",
    "Documents checklist shared; waiting on bank statements.",
    "Sponsor's financial documents look sufficient.",
    "Reminded client that the English test result expires soon.",
  ],
  call: [
    "Called to confirm the biometrics appointment.",
    "Discussed course options and intake dates.",
    "Client asked about work rights while studying.",
    "Follow-up call: client is still deciding between two offers.",
  ],
  email: [
    "Sent the fee schedule and service agreement.",
    "Emailed the document checklist for the visa application.",
    "Forwarded the offer letter from the institution.",
    "Requested certified copies of academic transcripts.",
  ],
  meeting: [
    "Initial consultation: assessed eligibility and pathways.",
    "Met with client and parents to discuss funding.",
    "Reviewed the Genuine Student statement draft together.",
    "Signed the service agreement in the office.",
  ],
};

export const CLIENT_TASKS = [
  { title: "Collect certified academic transcripts", tags: ["documents"] },
  { title: "Book health examination", tags: ["visa", "health"] },
  { title: "Prepare Genuine Student statement", tags: ["student", "documents"] },
  { title: "Lodge visa application", tags: ["visa", "lodgement"] },
  { title: "Follow up offer letter", tags: ["admission"] },
  { title: "Check police certificate status", tags: ["documents", "character"] },
  { title: "Review sponsor's financial documents", tags: ["finance"] },
  { title: "Respond to request for further information", tags: ["visa", "urgent"] },
  { title: "Submit skills assessment", tags: ["skills"] },
  { title: "Arrange health insurance", tags: ["student"] },
];

export const OFFICE_TASKS = [
  { title: "Monthly file compliance review", tags: ["compliance"] },
  { title: "Update fee schedule for the new financial year", tags: ["admin"] },
  { title: "Team training: changes to English test requirements", tags: ["training"] },
  { title: "Renew professional indemnity insurance", tags: ["admin"] },
  { title: "Prepare education fair materials", tags: ["marketing"] },
];

export const TASK_COMMENTS = [
  "Client says the documents will arrive next week.",
  "Chased again by email.",
  "Done, uploaded to the client's file.",
  "Waiting on the institution.",
  "Spoke to the client; all clear.",
];

export const REMINDER_MESSAGES = [
  "Call to confirm the biometrics appointment.",
  "Visa expires soon: discuss the next visa.",
  "Ask for the updated bank statement.",
  "Check whether the offer letter has arrived.",
  "English test result expires: plan a re-test.",
  "Follow up on the health examination results.",
  "Remind client about the tuition fee deadline.",
];
