-- The language a user chose with the switch on every page (zh-CN or en); null until they choose: Chinese.
ALTER TABLE users ADD COLUMN language TEXT;
