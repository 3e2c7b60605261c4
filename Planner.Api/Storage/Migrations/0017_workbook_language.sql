-- Each run publishes its workbooks in Chinese and in English; the language of each (null for summary.json and for
-- runs published before: those were English).
ALTER TABLE published_workbooks ADD COLUMN language TEXT;
