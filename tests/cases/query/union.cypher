MATCH (p:Person) RETURN p.name AS name UNION MATCH (p:Place) RETURN p.name AS name
