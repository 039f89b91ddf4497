// fold() ignores case and diacritics: 'tan' finds Phùng Sĩ Tấn.
MATCH (p:Person) WHERE fold(p.name) CONTAINS 'tan' RETURN p.name AS name
