-- The unit in Chinese (只, 件, 副, 双), as the workbooks print it for Chinese readers.
ALTER TABLE products ADD COLUMN unit_zh TEXT NOT NULL DEFAULT '';
