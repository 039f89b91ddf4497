MATCH (p:Person {name: 'Phùng Sĩ Tấn'})-[*2]-(other:Person) RETURN DISTINCT other.name AS other ORDER BY other
