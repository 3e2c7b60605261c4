-- Units per carton: depots move whole cartons (data/reference/products.csv says where the sizes come from).
ALTER TABLE products ADD COLUMN pack_size INTEGER NOT NULL DEFAULT 1;
