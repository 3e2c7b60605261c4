-- The production-and-stock feed as the enterprise reporting system keeps it (a stand-in for the real source).
-- row_version grows with every insert or update: the planner pulls rows above its watermark.
CREATE TABLE IF NOT EXISTS enterprises (
    code        TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    county_code TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    row_version BIGINT  NOT NULL
);
CREATE TABLE IF NOT EXISTS enterprise_products (
    enterprise_code TEXT   NOT NULL,
    product_code    TEXT   NOT NULL,
    daily_capacity  BIGINT NOT NULL,
    row_version     BIGINT NOT NULL,
    PRIMARY KEY (enterprise_code, product_code)
);
CREATE TABLE IF NOT EXISTS daily_output (
    enterprise_code TEXT   NOT NULL,
    product_code    TEXT   NOT NULL,
    report_date     TEXT   NOT NULL,
    quantity        BIGINT NOT NULL,
    row_version     BIGINT NOT NULL,
    PRIMARY KEY (enterprise_code, product_code, report_date)
);
CREATE TABLE IF NOT EXISTS stock_on_hand (
    enterprise_code TEXT   NOT NULL,
    product_code    TEXT   NOT NULL,
    as_of           TEXT   NOT NULL,
    quantity        BIGINT NOT NULL,
    row_version     BIGINT NOT NULL,
    PRIMARY KEY (enterprise_code, product_code, as_of)
);
-- The planner reads rows above its watermark in row_version order: an index makes that a range scan, not a sort of the
-- table.
CREATE INDEX IF NOT EXISTS ix_enterprises_row_version ON enterprises (row_version);
CREATE INDEX IF NOT EXISTS ix_enterprise_products_row_version ON enterprise_products (row_version);
CREATE INDEX IF NOT EXISTS ix_daily_output_row_version ON daily_output (row_version);
CREATE INDEX IF NOT EXISTS ix_stock_on_hand_row_version ON stock_on_hand (row_version);
