-- Reference data: the administrative tree, products, priority tiers and the planning assumptions.
CREATE TABLE regions (
    code                 text             NOT NULL PRIMARY KEY,
    name                 text             NOT NULL,
    name_en              text,
    level                text             NOT NULL CHECK (level IN ('province', 'city', 'county', 'town', 'village', 'external')),
    parent_code          text             REFERENCES regions (code),
    population           bigint,
    population_estimated integer          NOT NULL DEFAULT 0,
    risk_level           integer,
    lat                  double precision,
    lon                  double precision
);
CREATE INDEX ix_regions_parent ON regions (parent_code);

CREATE TABLE products (
    code    text    NOT NULL PRIMARY KEY,
    name    text    NOT NULL,
    name_en text    NOT NULL,
    unit    text    NOT NULL,
    durable integer NOT NULL DEFAULT 0
);

CREATE TABLE priority_tiers (
    tier        integer NOT NULL PRIMARY KEY,
    name        text    NOT NULL,
    name_en     text    NOT NULL,
    description text    NOT NULL
);

CREATE TABLE demand_segments (
    code        text    NOT NULL PRIMARY KEY,
    name        text    NOT NULL,
    name_en     text    NOT NULL,
    tier        integer NOT NULL REFERENCES priority_tiers (tier),
    driver      text    NOT NULL,
    risk_scaled integer NOT NULL
);

CREATE TABLE consumption_rates (
    segment_code text             NOT NULL REFERENCES demand_segments (code),
    product_code text             NOT NULL REFERENCES products (code),
    rate         double precision NOT NULL CHECK (rate >= 0),
    note         text             NOT NULL,
    PRIMARY KEY (segment_code, product_code)
);

CREATE TABLE risk_levels (
    level      integer          NOT NULL PRIMARY KEY,
    name       text             NOT NULL,
    name_en    text             NOT NULL,
    colour     text             NOT NULL,
    multiplier double precision NOT NULL
);

CREATE TABLE planning_parameters (
    name  text NOT NULL PRIMARY KEY,
    value text NOT NULL,
    note  text NOT NULL
);

CREATE TABLE county_drivers (
    county_code         text   NOT NULL PRIMARY KEY REFERENCES regions (code),
    employees           bigint NOT NULL,
    key_population      bigint NOT NULL,
    fever_clinic_visits bigint NOT NULL,
    checkpoints         bigint NOT NULL
);
